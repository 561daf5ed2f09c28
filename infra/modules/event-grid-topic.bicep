// The Event Grid system topic of the data storage account. Flex Consumption runs blob triggers
// only from Event Grid; the subscriptions that deliver BlobCreated events to the blob extension's
// webhook need the app's blobs_extension key, which exists only once the code runs, so they are
// created after deployment by ../blob-subscriptions.bicep (the azd postdeploy hook).

@description('Azure region; must be the storage account\'s.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the system topic.')
param name string

@description('Resource id of the storage account whose blob events the topic publishes.')
param storageAccountId string

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
