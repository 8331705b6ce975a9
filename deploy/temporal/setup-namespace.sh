#!/bin/sh
# Creates the namespace and registers the order and return search attributes the workflows write.
set -eu
ns=${NAMESPACE:-default}
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do echo "waiting for Temporal"; sleep 1; done
temporal operator namespace describe -n "$ns" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 ||
  temporal operator namespace create -n "$ns" --retention 30d --address "$TEMPORAL_ADDRESS"
for attr in OrderStatus=Keyword CustomerId=Keyword Channel=Keyword Skus=KeywordList WarehouseIds=KeywordList HoldReasons=KeywordList ReturnStatus=Keyword PurchaseOrderStatus=Keyword TransferStatus=Keyword ShipBy=Datetime; do
  temporal operator search-attribute create -n "$ns" --address "$TEMPORAL_ADDRESS" \
    --name "${attr%%=*}" --type "${attr##*=}" 2>&1 | grep -v -i 'already exists' || true
done
echo "namespace $ns ready"
