#!/usr/bin/env python3
"""The repository's gateway configuration with the channel sandbox standing in for the real channels.

usage: sandbox-gateway-config.py <out.yaml> <sandbox port> <WeChat Pay public key serial> [<agency port>]

The sandbox (channel-sandbox.jar) writes the demo merchant's keys; this points channels.wechat,
channels.alipay, channels.unionpay and the mini-program logins (residents.wechat.apiUrl) at it, with the demo
merchant's ids. The sandbox makes new keys each time it starts: write the configuration again then.
With an agency port (the sandbox's agency simulator, SANDBOX_AGENCY_PORT), handoff.receivers gets one receiver
per region of the configuration and insurance, as the demo wires them: over HTTP to the simulator, but 320682's
(如皋) to daily files in GB18030; all with the simulator's key, agency.pub.pem in the key directory.
"""
import re
import sys

if len(sys.argv) not in (4, 5):
    sys.exit(__doc__.strip().splitlines()[2])
out, port, serial = sys.argv[1], sys.argv[2], sys.argv[3]
agency = sys.argv[4] if len(sys.argv) == 5 else None
sandbox = "http://127.0.0.1:" + port
s = open("config/gateway.yaml", encoding="utf-8").read()
channels = s.index("\nchannels:")
head, tail = s[:channels], s[channels:]
head = head.replace("apiUrl: https://api.weixin.qq.com", "apiUrl: " + sandbox)
wechat, alipay = tail.index("\n  wechat:"), tail.index("\n  alipay:")
w = tail[wechat:alipay].replace('mchid: ""', 'mchid: "1900000001"').replace('appId: ""', 'appId: "wxdemo0000000001"', 1) \
    .replace('merchantSerial: ""', 'merchantSerial: "SANDBOX-MERCHANT-1"').replace('"PUB_KEY_ID_..."', '"' + serial + '"')
w = re.sub(r"baseUrl: \S+", "baseUrl: " + sandbox, w)
unionpay = tail.index("\n  unionpay:")
a = tail[alipay:unionpay].replace('appId: ""', 'appId: "2021000000000001"', 1)
a = re.sub(r"gatewayUrl: \S+", "gatewayUrl: " + sandbox + "/gateway.do", a, 1)
u = tail[unionpay:].replace('merId: ""', 'merId: "777290058110048"', 1)
u = re.sub(r"gatewayUrl: \S+", "gatewayUrl: " + sandbox, u, 1)
u = re.sub(r"fileUrl: \S+", "fileUrl: " + sandbox + "/unionpay/file", u, 1)
if agency:
    regions = re.findall(r'^  - \{code: "(\d{6})"', head[head.index("\nregions:"):], re.M)
    lines = ["  receivers:"]
    for region in regions:
        for insurance in ("medical", "pension"):
            name = region + "-" + insurance
            lines.append("    - {name: %s, region: \"%s\", insurance: %s, keyFile: agency.pub.pem, %s}" % (name, region, insurance,
                "transport: file, charset: GB18030" if region == "320682"
                else "transport: http, url: \"http://127.0.0.1:%s/agency/%s/records\"" % (agency, name)))
    if "\n  receivers: []\n" not in u or not regions:
        sys.exit("config/gateway.yaml: no empty handoff.receivers or no regions to fill in")
    u = u.replace("\n  receivers: []\n", "\n" + "\n".join(lines) + "\n", 1)
open(out, "w", encoding="utf-8").write(head + tail[:wechat] + w + a + u)
