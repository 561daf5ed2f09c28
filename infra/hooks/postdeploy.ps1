# azd postdeploy hook (Windows): same as postdeploy.sh. Waits for the app's blobs_extension key,
# then deploys infra/blob-subscriptions.bicep to subscribe the blob triggers to Event Grid.
$ErrorActionPreference = 'Stop'

$key = ''
foreach ($attempt in 1..12) {
  $key = az functionapp keys list --name $env:AZURE_FUNCTION_APP_NAME --resource-group $env:AZURE_RESOURCE_GROUP `
    --query "systemKeys.blobs_extension" --output tsv 2>$null
  if ($key) { break }
  Write-Host "Waiting for the blobs_extension key of $env:AZURE_FUNCTION_APP_NAME (attempt $attempt)..."
  Start-Sleep -Seconds 10
}
if (-not $key) { throw 'The blobs_extension key never appeared; is the app running? Re-run: azd hooks run postdeploy' }

az deployment group create `
  --resource-group $env:AZURE_RESOURCE_GROUP `
  --name blob-subscriptions `
  --template-file (Join-Path $PSScriptRoot '..' 'blob-subscriptions.bicep') `
  --parameters functionAppName=$env:AZURE_FUNCTION_APP_NAME systemTopicName=$env:EVENTGRID_SYSTEM_TOPIC_NAME `
  --output none
if ($LASTEXITCODE -ne 0) { throw 'Creating the Event Grid subscriptions failed.' }
Write-Host 'Event Grid subscriptions for the blob triggers are in place.'
