# SPDX-License-Identifier: Apache-2.0
# Receivers for the output tests, on loopback or a unix socket path:
#   http LOG PORTFILE [--fail N] [--hang] [--tls CERT KEY [--ca CA]]
#       POSTs logged as JSON lines {path, headers, body} (gzip bodies
#       inflated); answers 500 to the first N; --hang never answers;
#       --ca requires a client certificate signed by CA.
#   syslog LOG SOCKPATH
#       datagrams on a unix socket, one per line.
import gzip, http.server, json, os, socket, ssl, sys, threading, time

def http_main(args):
    log, portfile = args[0], args[1]
    fail = int(args[args.index("--fail") + 1]) if "--fail" in args else 0
    hang = "--hang" in args
    state = {"n": 0}
    lock = threading.Lock()

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *a):
            pass
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if hang:
                time.sleep(3600)
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            with lock:
                state["n"] += 1
                code = 500 if state["n"] <= fail else 200
                with open(log, "a") as f:
                    f.write(json.dumps({"path": self.path, "code": code,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body.decode("utf-8", "replace")}) + "\n")
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    if "--tls" in args:
        i = args.index("--tls")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args[i + 1], args[i + 2])
        if "--ca" in args:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args[args.index("--ca") + 1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()

def syslog_main(args):
    log, path = args
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    while True:
        data = s.recv(65536)
        with open(log, "a") as f:
            f.write(data.decode("utf-8", "replace").replace("\n", "\\n") + "\n")

if __name__ == "__main__":
    {"http": http_main, "syslog": syslog_main}[sys.argv[1]](sys.argv[2:])
