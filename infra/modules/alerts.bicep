// Two alerts an operator must see the morning after:
// - a message landed in a poison queue (an evaluation failed five times, or a blob trigger gave up),
//   read from the data account's queue write logs;
// - an export run quarantined more than a configured share of its rows, read from the
//   "Ingested export" log line the pipeline writes (PipelineLog.IngestFinished, event 1001).

@description('Azure region of the alert rules.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Prefix of the alert rule names.')
param namePrefix string

@description('Name of the data storage account whose queue writes are logged.')
param dataStorageAccountName string

@description('Resource id of the Log Analytics workspace.')
param workspaceId string

@description('Resource id of the Application Insights component.')
param applicationInsightsId string

@description('Share of an export\'s rows, in percent, above which quarantined rows raise an alert.')
@minValue(0)
@maxValue(100)
param quarantinedPercentThreshold int

@description('E-mail address the alerts are sent to; empty means the alerts only show in the portal.')
param alertEmail string

resource dataAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageAccountName

  resource queueService 'queueServices' existing = {
    name: 'default'
  }
}

// Only writes (a message put on a queue) are logged: enough for the poison alert, and cheap.
resource queueWriteLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'queue-writes'
  scope: dataAccount::queueService
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'StorageWrite'
        enabled: true
      }
    ]
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'compops'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actions = empty(alertEmail) ? {} : { actionGroups: [actionGroup.id] }

resource poisonAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${namePrefix}-poison-message'
  location: location
  tags: tags
  properties: {
    displayName: 'CompFunctions: a message landed in a poison queue'
    description: 'A queue message was moved to a *-poison queue of the data account (evaluate-requests-poison or webjobs-blobtrigger-poison). Read the message, fix the cause, then re-queue it.'
    severity: 1
    enabled: true
    scopes: [workspaceId]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'StorageQueueLogs | where AccountName == "${dataStorageAccountName}" and OperationName == "PutMessage" and ObjectKey contains "-poison"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: actions
  }
  dependsOn: [queueWriteLogs]
}

resource quarantineAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${namePrefix}-quarantined-rows'
  location: location
  tags: tags
  properties: {
    displayName: 'CompFunctions: an export quarantined too many rows'
    description: 'An export run quarantined more than ${quarantinedPercentThreshold}% of its rows. The run\'s report in export-reports lists every quarantined row and why.'
    severity: 2
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'traces | where message startswith "Ingested export " | parse message with "Ingested export " Export ": " RowsRead:long " rows read, " Accepted:long " accepted (" Unchanged:long " unchanged), " Quarantined:long " quarantined, " SdrPeriods:long " SDR periods queued" | where RowsRead > 0 and 100.0 * Quarantined / RowsRead > ${quarantinedPercentThreshold}'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: actions
  }
}
