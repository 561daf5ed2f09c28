// CompFunctions in one resource group: the Function App (Flex Consumption, .NET isolated), a host
// storage account, a data storage account (exports, policies, reports, queue, tables), a user-assigned
// identity with data-plane roles instead of keys, Application Insights on Log Analytics, the Event
// Grid system topic for the blob triggers, and the alerts. `azd up` deploys it (see ../azure.yaml);
// the Event Grid subscriptions follow in blob-subscriptions.bicep once the code is deployed.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of the resource group name and the seed of every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of every resource (one that offers Flex Consumption).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('IANA time zone deciding comp periods and the nightly deadline (Compensation:TimeZone).')
param timeZone string = 'America/Los_Angeles'

@description('Id of the plan every SDR is paid under (Compensation:PlanId); accepted from comp-config/plans/.')
param planId string = 'sdr-2026'

@description('NCRONTAB schedule of the missing-export check (Compensation:NightlyCheck:Schedule).')
param nightlyCheckSchedule string = '0 15 * * * *'

@description('Local time (HH:mm) by which the nightly export must have arrived (Compensation:NightlyCheck:ExpectedBy).')
param nightlyCheckExpectedBy string = '06:00'

@description('Share of an export\'s rows, in percent, above which quarantined rows raise an alert.')
@minValue(0)
@maxValue(100)
param quarantinedPercentAlertThreshold int = 5

@description('E-mail address the alerts are sent to; empty means the alerts only show in the portal.')
param alertEmail string = ''

@description('Days a deleted or overwritten export, policy or report can be recovered.')
@minValue(1)
@maxValue(365)
param blobRecoveryDays int = 30

@description('Object id of the person or pipeline running the deployment; gets blob access to the data account to drop exports and policies. Empty for none.')
param operatorPrincipalId string = deployer().objectId

@description('Kind of the operator principal.')
@allowed(['User', 'ServicePrincipal', 'Group'])
param operatorPrincipalType string = 'User'

var tags = { 'azd-env-name': environmentName, app: 'compfunctions' }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var deploymentContainer = 'app-package'

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-compfunctions-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'id-compfunctions-${token}'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    workspaceName: 'log-compfunctions-${token}'
    applicationInsightsName: 'appi-compfunctions-${token}'
  }
}

// The Functions host's own account: keys, timer and blob-trigger bookkeeping, the deployment package.
module hostStorage 'modules/storage-account.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'sthost${token}'
    containers: [deploymentContainer]
  }
}

// The app's data. Names are the constants of Bindings.cs and Storage/Tables.cs (a test compares them).
module dataStorage 'modules/storage-account.bicep' = {
  name: 'data-storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'stdata${token}'
    containers: ['crm-exports', 'export-reports', 'comp-config', 'config-reports', 'meeting-index']
    queues: ['evaluate-requests', 'evaluate-requests-poison', 'webjobs-blobtrigger-poison']
    tables: ['meetings', 'meetingindex', 'meetinghistory', 'statements', 'evaluations', 'policies', 'periods', 'runs', 'nightlychecks']
    blobRecovery: true
    recoveryDays: blobRecoveryDays
  }
}

// Host storage: blobs for keys, timers and the package; queues because the blob extension hands
// every Event Grid event to a host queue before running the function.
module hostStorageRoles 'modules/role-assignments.bicep' = {
  name: 'host-storage-roles'
  scope: rg
  params: {
    storageAccountName: hostStorage.outputs.name
    principalId: identity.outputs.principalId
    roleDefinitionIds: [roles.storageBlobDataOwner, roles.storageQueueDataContributor]
  }
}

module dataStorageRoles 'modules/role-assignments.bicep' = {
  name: 'data-storage-roles'
  scope: rg
  params: {
    storageAccountName: dataStorage.outputs.name
    principalId: identity.outputs.principalId
    roleDefinitionIds: [roles.storageBlobDataContributor, roles.storageQueueDataContributor, roles.storageTableDataContributor]
  }
}

module operatorRoles 'modules/role-assignments.bicep' = if (!empty(operatorPrincipalId)) {
  name: 'operator-roles'
  scope: rg
  params: {
    storageAccountName: dataStorage.outputs.name
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionIds: [roles.storageBlobDataContributor]
  }
}

module telemetryRole 'modules/monitoring-role.bicep' = {
  name: 'telemetry-role'
  scope: rg
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    principalId: identity.outputs.principalId
    roleDefinitionId: roles.monitoringMetricsPublisher
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    location: location
    tags: tags
    planName: 'plan-compfunctions-${token}'
    name: 'func-compfunctions-${token}'
    azdServiceName: 'api'
    identityId: identity.outputs.id
    deploymentContainerUrl: '${hostStorage.outputs.blobEndpoint}${deploymentContainer}'
    // The project targets net10.0 (global.json pins the 10.0 SDK); Flex Consumption runs dotnet-isolated 10.0.
    dotnetVersion: '10.0'
    // Every name here is read by the code (Bindings.StorageConnection, CompensationOptions) or the runtime (DOTNET_); a test compares them.
    appSettings: {
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.outputs.clientId
      AzureWebJobsStorage__blobServiceUri: hostStorage.outputs.blobEndpoint
      AzureWebJobsStorage__queueServiceUri: hostStorage.outputs.queueEndpoint
      DataStorage__credential: 'managedidentity'
      DataStorage__clientId: identity.outputs.clientId
      DataStorage__blobServiceUri: dataStorage.outputs.blobEndpoint
      DataStorage__queueServiceUri: dataStorage.outputs.queueEndpoint
      DataStorage__tableServiceUri: dataStorage.outputs.tableEndpoint
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
      Compensation__TimeZone: timeZone
      Compensation__PlanId: planId
      Compensation__NightlyCheck__Schedule: nightlyCheckSchedule
      Compensation__NightlyCheck__ExpectedBy: nightlyCheckExpectedBy
      // The young generation's budget: at least 32 MiB (hex), so what an evaluation holds while it waits on storage dies young
      // instead of being promoted and collected again (docs/performance.md, "The young generation's budget").
      // The runtime reads it from the environment only; the local host's and the benchmark's launch profiles set the same.
      DOTNET_GCgen0size: '0x2000000'
    }
  }
  dependsOn: [hostStorageRoles, dataStorageRoles, telemetryRole]
}

module blobEvents 'modules/event-grid-topic.bicep' = {
  name: 'blob-events'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'evgt-compfunctions-${token}'
    storageAccountId: dataStorage.outputs.id
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    namePrefix: 'compfunctions-${token}'
    dataStorageAccountName: dataStorage.outputs.name
    workspaceId: monitoring.outputs.workspaceId
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    quarantinedPercentThreshold: quarantinedPercentAlertThreshold
    alertEmail: alertEmail
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output DATA_STORAGE_ACCOUNT_NAME string = dataStorage.outputs.name
output EVENTGRID_SYSTEM_TOPIC_NAME string = blobEvents.outputs.name
