// Event Grid subscriptions that deliver the data account's BlobCreated events to the blob
// extension's webhook, one per blob-triggered function. Deployed by the azd postdeploy hook
// (hooks/postdeploy.sh), not by main.bicep: the webhook needs the app's blobs_extension system
// key, which the Functions host creates only once the code with the blob triggers is running.

@description('Name of the Function App (AZURE_FUNCTION_APP_NAME).')
param functionAppName string

@description('Name of the data account\'s Event Grid system topic (EVENTGRID_SYSTEM_TOPIC_NAME).')
param systemTopicName string

// Function name (Bindings.Functions) and the container its trigger watches (Bindings.*BlobPath); a test compares them.
var blobTriggers = [
  { functionName: 'IngestExport', container: 'crm-exports' }
  { functionName: 'IngestPolicyDocument', container: 'comp-config' }
]

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

// Bicep has no type for Microsoft.Web/sites/host, so its keys are listed by resource id.
var blobsExtensionKey = listKeys('${app.id}/host/default', app.apiVersion).systemKeys.blobs_extension

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

resource subscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = [
  for trigger in blobTriggers: {
    parent: topic
    name: toLower(trigger.functionName)
    properties: {
      destination: {
        endpointType: 'WebHook'
        properties: {
          endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${trigger.functionName}&code=${blobsExtensionKey}'
          maxEventsPerBatch: 1
          preferredBatchSizeInKilobytes: 64
        }
      }
      eventDeliverySchema: 'EventGridSchema'
      filter: {
        includedEventTypes: ['Microsoft.Storage.BlobCreated']
        subjectBeginsWith: '/blobServices/default/containers/${trigger.container}/'
      }
      retryPolicy: {
        maxDeliveryAttempts: 30
        eventTimeToLiveInMinutes: 1440
      }
    }
  }
]
