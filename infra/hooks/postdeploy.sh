#!/bin/sh
# azd postdeploy hook: subscribe the blob triggers to the data account's Event Grid system topic.
# The webhook URL carries the app's blobs_extension system key, which the Functions host creates
# once the deployed code (with its blob triggers) has started; wait for it, then deploy
# infra/blob-subscriptions.bicep. azd passes the main.bicep outputs as environment variables.
set -eu

for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
  key=$(az functionapp keys list --name "$AZURE_FUNCTION_APP_NAME" --resource-group "$AZURE_RESOURCE_GROUP" \
    --query "systemKeys.blobs_extension" --output tsv 2>/dev/null || true)
  [ -n "$key" ] && break
  echo "Waiting for the blobs_extension key of $AZURE_FUNCTION_APP_NAME (attempt $attempt)..."
  sleep 10
done
[ -n "$key" ] || { echo "The blobs_extension key never appeared; is the app running? Re-run: azd hooks run postdeploy" >&2; exit 1; }

az deployment group create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name blob-subscriptions \
  --template-file "$(dirname "$0")/../blob-subscriptions.bicep" \
  --parameters functionAppName="$AZURE_FUNCTION_APP_NAME" systemTopicName="$EVENTGRID_SYSTEM_TOPIC_NAME" \
  --output none
echo "Event Grid subscriptions for the blob triggers are in place."
