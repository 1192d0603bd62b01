#!/usr/bin/env python3
"""The benchmark's loopback server: streams a prepared chat reply as fast as the socket takes it.

    server.py PORT EVENTS     serves 127.0.0.1:PORT until killed

POST /v1/chat/completions streams EVENTS `data:` events of one character each, then `[DONE]`
(200,000 events are about 36 MB of SSE). GET /v1/models lists the model `bench`.
The whole body is built once at start, so the server is never the slow part.
"""
import socket
import sys
import threading

port, events = int(sys.argv[1]), int(sys.argv[2])
letters = "abcdefghijklmnopqrstuvwxyz .\n"
chunk = ('data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench",'
         '"choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}\n\n')
parts = []
for i in range(events):
    c = letters[i % len(letters)]
    parts.append(chunk % ("\\n" if c == "\n" else c))
parts.append("data: [DONE]\n\n")
body = "".join(parts).encode()
stream_head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
models = b'{"object":"list","data":[{"id":"bench","object":"model"}]}'
models_head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(models)


def serve(connection):
    try:
        request = b""
        while b"\r\n\r\n" not in request:
            data = connection.recv(65536)
            if not data:
                return
            request += data
        head, _, rest = request.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(rest) < length:
            rest += connection.recv(65536)
        if head.startswith(b"GET"):
            connection.sendall(models_head + models)
        else:
            connection.sendall(stream_head + body)
    except OSError:
        pass
    finally:
        connection.close()


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(64)
print("ready", flush=True)
while True:
    connection, _ = listener.accept()
    threading.Thread(target=serve, args=(connection,), daemon=True).start()
