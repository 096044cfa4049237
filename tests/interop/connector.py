"""A connector written the way an outside integrator would, from the README alone: python-socketio
(Debian's python3-socketio) and the standard library. Prints one JSON line with what it saw."""
import json
import time
import sys
import urllib.request

import socketio

url, ingest_token, viewer_token = sys.argv[1:4]
T0 = int(time.time() * 1000) - 60_000
events = [
    {"type": "viewer.enter", "platform": "wechat", "id": "py-1", "ts": T0, "userId": "w1"},
    {"type": "comment", "platform": "wechat", "id": "py-2", "ts": T0 + 1000, "userId": "w1", "nick": "阿青", "text": "有没有大码？"},
    {"type": "order", "platform": "wechat", "id": "py-3", "ts": T0 + 2000, "orderId": "W-1", "userId": "w1",
     "sku": "SKU-TEE", "qty": 2, "amountFen": 2 * 7900, "status": "paid"},
    {"type": "order", "platform": "wechat", "id": "py-4", "ts": T0 + 3000, "orderId": "W-2", "userId": "w1",
     "sku": "SKU-TEE", "qty": 1, "amountFen": 79.5, "status": "paid"},
]

sio = socketio.Client(reconnection=False)
sio.connect(url, namespaces=["/ingest"], auth={"token": ingest_token}, transports=["websocket"])
first = sio.call("batch", events, namespace="/ingest", timeout=10)
again = sio.call("batch", events[:1], namespace="/ingest", timeout=10)
sio.disconnect()

req = urllib.request.Request(f"{url}/api/sessions/latest/recap", headers={"Authorization": f"Bearer {viewer_token}"})
with urllib.request.urlopen(req, timeout=10) as res:
    recap = json.load(res)

print(json.dumps({"first": first, "again": again, "paidGmvFen": recap["paidGmvFen"], "buyers": recap["buyers"],
                  "viewers": recap["viewers"], "wechat": recap["byPlatform"]["wechat"]["orders"]}))
