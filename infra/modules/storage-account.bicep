// A storage account reachable only with Entra ID (no shared keys, no anonymous blob access,
// TLS 1.2), with optional containers, queues, tables and blob recovery (soft delete + versioning).

@description('Azure region of the account.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Globally unique account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Replication of the account.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS'])
param skuName string = 'Standard_LRS'

@description('Blob containers to create.')
param containers string[] = []

@description('Queues to create.')
param queues string[] = []

@description('Tables to create.')
param tables string[] = []

@description('Keep blob versions and soft-delete blobs and containers, so a dropped or overwritten blob can be recovered.')
param blobRecovery bool = false

@description('Days a deleted or overwritten blob (and a deleted container) can be recovered, when blobRecovery is on.')
@minValue(1)
@maxValue(365)
param recoveryDays int = 30

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: blobRecovery
    deleteRetentionPolicy: blobRecovery ? { enabled: true, days: recoveryDays } : { enabled: false }
    containerDeleteRetentionPolicy: blobRecovery ? { enabled: true, days: recoveryDays } : { enabled: false }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for container in containers: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

// Versions are what make an overwritten export recoverable; older than the recovery window they only cost money.
resource versionCleanup 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = if (blobRecovery) {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
            }
            actions: {
              version: {
                delete: {
                  daysAfterCreationGreaterThan: recoveryDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource storageQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queue in queues: {
    parent: queueService
    name: queue
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for table in tables: {
    parent: tableService
    name: table
  }
]

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
