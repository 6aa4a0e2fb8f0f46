#!/usr/bin/env python3
"""The repository's gateway configuration with the channel sandbox standing in for the real channels.

usage: sandbox-gateway-config.py <out.yaml> <sandbox port> <WeChat Pay public key serial>

The sandbox (channel-sandbox.jar) writes the demo merchant's keys; this points channels.wechat,
channels.alipay, channels.unionpay and the mini-program logins (residents.wechat.apiUrl) at it, with the demo
merchant's ids. The sandbox makes new keys each time it starts: write the configuration again then.
"""
import re
import sys

out, port, serial = sys.argv[1], sys.argv[2], sys.argv[3]
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
open(out, "w", encoding="utf-8").write(head + tail[:wechat] + w + a + u)
