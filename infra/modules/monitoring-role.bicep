// Lets the app's identity send telemetry to an Application Insights component that refuses keys.

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Object id of the principal receiving the role.')
param principalId string

@description('Built-in role definition id (Monitoring Metrics Publisher).')
param roleDefinitionId string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, principalId, roleDefinitionId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}
