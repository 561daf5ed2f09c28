// The user-assigned managed identity the Function App runs as: host storage, data storage,
// deployment package and telemetry are all reached with it, never with keys.

@description('Azure region of the identity.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the user-assigned managed identity.')
param name string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
