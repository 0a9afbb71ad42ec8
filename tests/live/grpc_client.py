# SPDX-License-Identifier: Apache-2.0
"""A Falco gRPC API client (python3-grpcio) for saker's live tests.

    grpc_client.py STUBS ADDR [--tls DIR NAME] MODE [ARGS]

STUBS: the folder of the Python stubs generated from core/proto/*.proto.
ADDR: unix:///path or 127.0.0.1:PORT; --tls DIR NAME: mutual TLS with
DIR/ca.crt and DIR/NAME.crt, DIR/NAME.key (NAME "-": no client certificate).
Modes:
  sub N SECONDS  subscribe, print "ready" once subscribed, then one JSON line
                 per response until N responses or SECONDS have passed
  get            one JSON line per response of one get
  version        the version response as one JSON line
  stall SECONDS  subscribe, print "ready", then never read for SECONDS
                 (flow control window kept at its initial 64 KiB)
A failed call prints "error CODE DETAILS" and exits 2.
"""
import datetime
import json
import sys
import time

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
import outputs_pb2  # noqa: E402
import outputs_pb2_grpc  # noqa: E402
import version_pb2  # noqa: E402
import version_pb2_grpc  # noqa: E402


def channel(addr, tls, options):
    if not tls:
        return grpc.insecure_channel(addr, options)
    folder, name = tls

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    if name == "-":
        creds = grpc.ssl_channel_credentials(root_certificates=read(folder + "/ca.crt"))
    else:
        creds = grpc.ssl_channel_credentials(
            root_certificates=read(folder + "/ca.crt"),
            private_key=read("%s/%s.key" % (folder, name)),
            certificate_chain=read("%s/%s.crt" % (folder, name)))
    return grpc.secure_channel(addr, creds, options)


def as_dict(r):
    utc = datetime.datetime.fromtimestamp(r.time.seconds, datetime.timezone.utc)
    return {
        "seconds": r.time.seconds, "nanos": r.time.nanos,
        "iso": "%s.%09dZ" % (utc.strftime("%Y-%m-%dT%H:%M:%S"), r.time.nanos),
        "priority": r.priority, "source_deprecated": r.source_deprecated,
        "rule": r.rule, "output": r.output,
        "output_fields": dict(r.output_fields), "hostname": r.hostname,
        "tags": list(r.tags), "source": r.source,
    }


def say(obj):
    sys.stdout.write((obj if isinstance(obj, str) else json.dumps(obj)) + "\n")
    sys.stdout.flush()


def requests():
    yield outputs_pb2.request()
    while True:  # keep our half of the stream open, as Falco's clients do
        time.sleep(3600)


def main():
    args = sys.argv[2:]
    addr = args.pop(0)
    tls = None
    if args[0] == "--tls":
        tls = (args[1], args[2])
        args = args[3:]
    mode = args.pop(0)
    # a staller keeps HTTP/2's initial window (64 KiB): without reads, the
    # adaptive window would otherwise grow and absorb megabytes
    options = [("grpc.http2.bdp_probe", 0)] if mode == "stall" else []
    ch = channel(addr, tls, options)
    try:
        if mode == "version":
            r = version_pb2_grpc.serviceStub(ch).version(version_pb2.request(), timeout=10)
            say({f.name: v for f, v in r.ListFields()})
        elif mode == "get":
            for r in outputs_pb2_grpc.serviceStub(ch).get(outputs_pb2.request(), timeout=10):
                say(as_dict(r))
        elif mode in ("sub", "stall"):
            n = int(args.pop(0)) if mode == "sub" else 0
            seconds = float(args.pop(0))
            call = outputs_pb2_grpc.serviceStub(ch).sub(requests(), timeout=seconds)
            call.initial_metadata()  # the server sends it once we are subscribed
            say("ready")
            if mode == "stall":
                time.sleep(seconds)
                return 0
            try:
                for i, r in enumerate(call, 1):
                    say(as_dict(r))
                    if i >= n:
                        break
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                    raise
            call.cancel()
        else:
            say("error usage unknown mode " + mode)
            return 2
    except grpc.RpcError as e:
        say("error %s %s" % (e.code().name, e.details()))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
