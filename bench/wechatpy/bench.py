#!/usr/bin/env python3
"""The wechatpy side of `cargo xtask bench`: the steps a wechatpy app does for one encrypted
text push, on the same push, with the same iterations and rounds as the Rust loop
(`weixin-bench steps`):

    check_signature -> WeChatCrypto.decrypt_message -> parse_message
    -> TextReply(...).render() -> WeChatCrypto.encrypt_message

Usage: bench.py --pool FILE --iterations N --rounds R
The push is the first one of the pool file written by `weixin-bench pool` (its header names the
account). Prints `BENCH wechatpy per_sec=... median_per_sec=... us_each=...`.
"""

import argparse
import sys
import time

import wechatpy
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

REPLY_PREFIX = "you said: "


def read_pool(path):
    """The account (from the header) and the first push (query dict, body) of a pool file."""
    account = {}
    with open(path, encoding="utf-8") as pool:
        for line in pool:
            line = line.rstrip("\n")
            if line.startswith("#"):
                for word in line.split():
                    if "=" in word:
                        key, value = word.split("=", 1)
                        account[key] = value
                continue
            query, body = line.split("\t", 1)
            params = dict(pair.split("=", 1) for pair in query.split("&"))
            return account, params, body
    raise SystemExit(f"{path}: no push in the pool file")


def steps(crypto, token, params, body):
    """One push through the steps; returns the encrypted reply."""
    check_signature(token, params["signature"], params["timestamp"], params["nonce"])
    xml = crypto.decrypt_message(
        body, params["msg_signature"], params["timestamp"], params["nonce"]
    )
    message = parse_message(xml)
    reply = TextReply(content=REPLY_PREFIX + message.content, message=message)
    return crypto.encrypt_message(reply.render(), params["nonce"], params["timestamp"])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pool", required=True)
    parser.add_argument("--iterations", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    account, params, body = read_pool(args.pool)
    token = account["token"]
    crypto = WeChatCrypto(token, account["encoding_aes_key"], account["appid"])

    # Check once that the round trip works (the reply decrypts to a text reply).
    reply = steps(crypto, token, params, body)
    assert "<Encrypt>" in reply, reply

    elapsed = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _ in range(args.iterations):
            steps(crypto, token, params, body)
        elapsed.append(time.perf_counter() - start)
    elapsed.sort()
    best = args.iterations / elapsed[0]
    median = args.iterations / elapsed[len(elapsed) // 2]
    print(
        f"BENCH wechatpy per_sec={best:.0f} median_per_sec={median:.0f} "
        f"us_each={1e6 / best:.3f} iterations={args.iterations} rounds={args.rounds} "
        f"version={wechatpy.__version__} python={sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
