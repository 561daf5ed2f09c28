// The Function App on the Flex Consumption plan, running as the user-assigned identity and
// pulling its deployment package from a container of the host storage account.

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to every resource; the app also gets the azd service tag.')
param tags object

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the Function App (also its host name).')
param name string

@description('Service name in azure.yaml; azd deploys to the app tagged with it.')
param azdServiceName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Blob container URL (on the host storage account) that holds the deployment package.')
param deploymentContainerUrl string

@description('.NET isolated worker version; Flex Consumption offers 8.0, 9.0 and 10.0.')
@allowed(['8.0', '9.0', '10.0'])
param dotnetVersion string

@description('Memory of each instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Upper bound of instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('App settings (names and values); the storage connections and telemetry are among them.')
param appSettings object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
