// Built-in data-plane roles on one storage account for one principal.

@description('Name of the storage account the roles apply to.')
param storageAccountName string

@description('Object id of the principal receiving the roles.')
param principalId string

@description('Kind of principal (a managed identity is a ServicePrincipal).')
@allowed(['ServicePrincipal', 'User', 'Group'])
param principalType string = 'ServicePrincipal'

@description('Built-in role definition ids (GUIDs) to assign on the account.')
param roleDefinitionIds string[]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in roleDefinitionIds: {
    scope: account
    name: guid(account.id, principalId, roleId)
    properties: {
      principalId: principalId
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]
