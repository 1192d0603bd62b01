#!/usr/bin/env python3
"""`make bench`: parley against curl and the `llm` CLI, paired and alternated, medians of RUNS.

Prints one Markdown table (ratios, then absolute medians), with the machine and the date.
Needs: a release build (.build/release/parley), curl, and for the model rows the local model
(scripts/local-model start). The peer `llm` is installed from PyPI into ~/.cache/parley/bench-venv.
"""
import datetime
import glob
import os
import platform
import pty
import re
import select
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PARLEY = os.path.join(ROOT, ".build/release/parley")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "200000"))
PORT = int(os.environ.get("BENCH_PORT", "8099"))
MODEL_URL = os.environ.get("PARLEY_TEST_MODEL_URL", "http://127.0.0.1:8077/v1")
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "parley")
BASE = f"http://127.0.0.1:{PORT}/v1"
BODY = '{"model":"bench","stream":true,"messages":[{"role":"user","content":"go"}]}'
WORK = tempfile.mkdtemp(prefix="parley-bench-")
ENV = dict(os.environ, PARLEY_HOME=os.path.join(WORK, "home"), HOME=os.environ.get("HOME", "/root"), TERM="xterm-256color")
for name in ["PARLEY_BASE_URL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "CASOLA_API_KEY", "PARLEY_API_KEY", "NO_COLOR"]:
    ENV.pop(name, None)


def measure(argv, stdin=None, env=ENV):
    """Wall seconds, CPU seconds and peak memory (KB) of one run, its output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    if stdin is not None:
        process.stdin.write(stdin.encode())
        process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, status


def measure_pty(argv, until=None, env=ENV):
    """Runs argv in a pseudo-terminal, reading all it shows. With `until`, the seconds until those
    bytes appear (then Ctrl-D); else until it exits. Also CPU seconds and peak memory."""
    master, slave = pty.openpty()
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    seen = b""
    marked = None
    while True:
        ready, _, _ = select.select([master], [], [], 10)
        if not ready:
            break
        try:
            data = os.read(master, 1 << 16)
        except OSError:
            break
        if not data:
            break
        if until is not None and marked is None:
            seen = (seen + data)[-4096:]
            if until in seen:
                marked = time.perf_counter() - start
                os.write(master, b"\x04")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    os.close(master)
    return (marked if until is not None else wall), usage.ru_utime + usage.ru_stime, usage.ru_maxrss, status


def paired(a, b):
    """Runs a and b alternately RUNS times; returns the medians of each measure."""
    results_a, results_b = [], []
    for _ in range(RUNS):
        results_a.append(a())
        results_b.append(b())
    med = lambda rows, i: statistics.median(row[i] for row in rows)
    return [med(results_a, i) for i in range(3)], [med(results_b, i) for i in range(3)]


def time_to_first(argv, marker, env=ENV):
    """Seconds until stdout shows `marker` (the first token)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    seen = b""
    first = None
    while True:
        data = process.stdout.read1(1 << 16)
        if not data:
            break
        seen += data
        if first is None and marker(seen):
            first = time.perf_counter() - start
    process.wait()
    return first if first is not None else float("nan")


def high_water_kb(pid):
    """The process's own peak memory so far (VmHWM), in KB; None once it has gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return None


def first_byte_with_input(argv, data, env=ENV):
    """Seconds until stdout's first byte, with `data` written to stdin meanwhile; and the peak memory (KB).

    The peak is the process's own high-water mark, read from /proc while it runs (the peak comes
    before the reply does): wait4's ru_maxrss would count this Python process too, whose memory the
    child shares until it execs, and which holds the 10 MB twice."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)

    def feed():
        try:
            process.stdin.write(data)
            process.stdin.close()
        except BrokenPipeError:
            pass
    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    first, peak = None, 0
    while True:
        chunk = process.stdout.read1(1 << 16)
        if not chunk:
            break
        if first is None:
            first = time.perf_counter() - start
        peak = max(peak, high_water_kb(process.pid) or 0)
    writer.join()
    process.wait()
    return (first if first is not None else float("nan")), peak


def code_reply_rows(rows):
    """A 10,000-line Python reply in a pseudo-terminal: highlighted, against the same lines in a fence
    with no language (shown in one colour, as before), paired runs."""
    lines = []
    for i in range(10000):
        lines.append([
            "def handler_%d(request, retries=3):" % i,
            "    # look the user up, then answer",
            "    name = request.get(\"name\", 'anonymous')  # default",
            "    return {\"id\": %d, \"name\": name, \"ok\": True, \"ratio\": %d.5}" % (i, i % 97),
        ][i % 4])
    code = "\n".join(lines) + "\n"
    bodies = {}
    for label in ["python", ""]:
        text = "```%s\n%s```\n" % (label, code)
        pieces = [text[i:i + 8] for i in range(0, len(text), 8)]
        events = "".join('data: {"choices":[{"index":0,"delta":{"content":%s}}]}\n\n' % json_string(p) for p in pieces)
        bodies["python" if label else "plain"] = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + events.encode() + b"data: [DONE]\n\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    base = "http://127.0.0.1:%d/v1" % listener.getsockname()[1]

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            request = read_request(connection)
            connection.sendall(bodies["python" if b'"model":"python"' in request else "plain"])
            connection.close()
    threading.Thread(target=serve, daemon=True).start()
    argv = lambda model: [PARLEY, "--base-url", base, "-m", model, "go"]
    p, c = paired(lambda: measure_pty(argv("python")), lambda: measure_pty(argv("plain")))
    listener.close()
    rows.append(("a 10,000-line code reply in a pseudo-terminal: highlighted (python) vs the same in an untagged fence",
                 p[0], c[0], "≤ 1.5×"))


def piped_text(size):
    """`size` bytes of lines of words, the same each run."""
    words = ["alpha", "beta", "gamma", "delta", "lake", "pelican", "survey", "count"]
    lines, total, i = [], 0, 0
    while total < size:
        line = " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(12)) + "\n"
        lines.append(line)
        total += len(line)
        i += 1
    return "".join(lines)[:size].encode()


def piped_input_rows(rows):
    """10 MB piped in with a prompt: to the first byte of the reply, parley vs curl sending the same body;
    and parley's peak memory over the same run with nothing piped in."""
    text = piped_text(10 * 1024 * 1024)
    body = ('{"messages":[{"content":%s,"role":"user"}],"model":"bench","stream":true}' % json_string(
        text.decode().rstrip() + "\n\nSummarise")).encode()
    # Each run with a store of its own, empty: the store is not what is measured growing.
    parley = lambda: [PARLEY, "--base-url", BASE, "-m", "bench", "--attach-limit", "10", "--data-dir", tempfile.mkdtemp(dir=WORK),
                      "Summarise"]
    # Without "Expect:", curl would wait a second for a 100 Continue that the server never sends.
    curl = ["curl", "-sN", BASE + "/chat/completions", "-H", "Content-Type: application/json", "-H", "Expect:", "--data-binary", "@-"]
    timed_parley, timed_curl, memory, baseline = [], [], [], []
    for _ in range(RUNS):
        first, peak = first_byte_with_input(parley(), text)
        timed_parley.append(first)
        memory.append(peak)
        timed_curl.append(first_byte_with_input(curl, body)[0])
        baseline.append(first_byte_with_input(parley(), b"")[1])
    rows.append(("10 MB piped in with a prompt, to the reply's first byte: parley vs `curl --data-binary @-`",
                 statistics.median(timed_parley), statistics.median(timed_curl), "—"))
    rows.append(("peak memory with 10 MB piped in, over the same run with none (MB)",
                 (statistics.median(memory) - statistics.median(baseline)) / 1024, None, "≤ 30 MB (3×)"))


def json_string(text):
    import json
    return json.dumps(text, ensure_ascii=False)


FIRST_CONTENT = re.compile(rb'"content": ?"[^"]')  # an event with text in it (not the role-only first one)


class TimingProxy:
    """A loopback proxy to the model that notes, for the one connection it is serving, when the
    whole request has gone to the model and when the model's first event with text came back."""

    def __init__(self, upstream_url):
        match = re.match(r"http://([^:/]+):(\d+)(/.*)?$", upstream_url)
        self.upstream = (match.group(1), int(match.group(2)))
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.settimeout(30)
        self.base = "http://127.0.0.1:%d%s" % (self.listener.getsockname()[1], match.group(3) or "")

    def serve_one(self):
        """Relays one connection both ways; returns (request sent, first text received) times."""
        client, _ = self.listener.accept()
        model = socket.create_connection(self.upstream)
        for connection in (client, model):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request, reply, sent, first = b"", b"", None, None
        try:
            while True:
                ready, _, _ = select.select([client, model], [], [], 30)
                if not ready:
                    break
                if client in ready:
                    data = client.recv(1 << 16)
                    if not data:
                        break
                    model.sendall(data)
                    request += data
                    head, found, body = request.partition(b"\r\n\r\n")
                    length = re.search(rb"content-length: *(\d+)", head, re.I)
                    if sent is None and found and len(body) >= (int(length.group(1)) if length else 0):
                        sent = time.perf_counter()
                if model in ready:
                    data = model.recv(1 << 16)
                    if first is None:
                        reply = (reply + data)[-4096:]
                        if FIRST_CONTENT.search(reply):
                            first = time.perf_counter()
                    if not data:
                        break
                    client.sendall(data)
        finally:
            client.close()
            model.close()
        return sent, first

    def close(self):
        self.listener.close()


def first_token_parts(argv, marker, proxy):
    """One launch through the proxy: seconds from launch to the request reaching the model, from
    there to the model's first text, and from that to the client's stdout."""
    parts = {}
    server = threading.Thread(target=lambda: parts.update(zip(("sent", "first"), proxy.serve_one())), daemon=True)
    server.start()
    start = time.perf_counter()
    shown = time_to_first(argv, marker) + start
    server.join()
    return parts["sent"] - start, parts["first"] - parts["sent"], shown - parts["first"]


QUESTION = "What is the capital of France?"
# The rows whose time varies with the model or the loader, more than the others: more runs.
MANY_RUNS = max(RUNS, 31)


def ask_parley(base, model):
    """parley asking QUESTION in one shot."""
    return [PARLEY, "--base-url", base, "-m", model, "--temperature", "0", QUESTION]


def ask_curl(base, model):
    """curl asking QUESTION, the request parley sends."""
    body = '{"model":"%s","stream":true,"temperature":0,"messages":[{"role":"user","content":"%s"}]}' % (model, QUESTION)
    return ["curl", "-sN", base + "/chat/completions", "-H", "Content-Type: application/json", "-d", body]


def read_request(connection):
    """Reads one HTTP request's head and body from the connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(1 << 16)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = re.search(rb"content-length: *(\d+)", head, re.I)
    while length and len(rest) < int(length.group(1)):
        rest += connection.recv(1 << 16)
    return head + b"\r\n\r\n" + rest


SLOW_EVENTS, SLOW_PAUSE = 20, 0.03


def slow_stream_delays(argv):
    """Runs argv (a function of the base URL) in a pseudo-terminal against a loopback server that
    sends SLOW_EVENTS events SLOW_PAUSE seconds apart, each a word of its own; returns each event's
    delay from its send to the word's first appearance on the terminal."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(30)
    base = "http://127.0.0.1:%d/v1" % listener.getsockname()[1]
    sent = {}

    def serve():
        connection, _ = listener.accept()
        read_request(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
        for i in range(SLOW_EVENTS):
            time.sleep(SLOW_PAUSE)
            word = b"w%02d" % i
            sent[word] = time.perf_counter()
            connection.sendall(b'data: {"choices":[{"index":0,"delta":{"content":"%s "}}]}\n\n' % word)
        connection.sendall(b"data: [DONE]\n\n")
        connection.close()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    master, slave = pty.openpty()
    process = subprocess.Popen(argv(base), stdin=slave, stdout=slave, stderr=slave, env=ENV, start_new_session=True)
    os.close(slave)
    seen, shown = b"", {}
    while True:
        ready, _, _ = select.select([master], [], [], 10)
        try:
            data = os.read(master, 1 << 16) if ready else b""
        except OSError:
            data = b""
        if not data:
            break
        now = time.perf_counter()
        seen += data
        for i in range(SLOW_EVENTS):
            word = b"w%02d" % i
            if word not in shown and word in seen:
                shown[word] = now
    process.wait()
    os.close(master)
    server.join()
    listener.close()
    return [shown[word] - sent[word] for word in sent if word in shown]


def store_data(directory):
    """10,000 conversations (9 messages each) and one of 10,000 messages: 100,000 messages in all."""
    subprocess.run([PARLEY, "--data-dir", directory, "--base-url", BASE, "-m", "bench"], input=b"/chats\n",
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=False)
    db = sqlite3.connect(os.path.join(directory, "parley.sqlite"))
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike".split()
    now = time.time()
    with db:
        for c in range(10000):
            cid = "c%08d" % c
            db.execute("INSERT INTO conversation (id, title, created, updated, settings) VALUES (?, ?, ?, ?, '{}')",
                       (cid, "Conversation %d about %s" % (c, words[c % len(words)]), now - c, now - c))
            db.executemany("INSERT INTO message (conversationId, position, role, content, status) VALUES (?, ?, ?, ?, 'complete')",
                           [(cid, p, "user" if p % 2 == 0 else "assistant",
                             "message %d of %d: %s %s%s" % (p, c, words[(c + p) % len(words)], words[p % len(words)],
                                                            " needle" if (c * 9 + p) % 1000 == 0 else ""))
                            for p in range(9)])
        db.execute("INSERT INTO conversation (id, title, created, updated, settings) VALUES ('big', 'big', ?, ?, '{}')", (now - 1e6, now - 1e6))
        db.executemany("INSERT INTO message (conversationId, position, role, content, status) VALUES ('big', ?, ?, ?, 'complete')",
                       [(p, "user" if p % 2 == 0 else "assistant", "line %d of the big one" % p) for p in range(10000)])
    db.close()


class PrivatePostgres:
    """A private PostgreSQL cluster for the store rows: initdb in a temporary directory, a Unix
    socket there only, stopped at the end; as root, made and run as `nobody` (initdb refuses root).
    None of it when PostgreSQL is not installed."""

    def __init__(self):
        roots = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
        if not roots:
            raise RuntimeError("PostgreSQL is not installed")
        self.bin = os.path.dirname(roots[0])
        self.dir = tempfile.mkdtemp(prefix="parley-bench-pg-")
        self.as_user = []
        if os.getuid() == 0:
            import pwd
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            os.chmod(self.dir, 0o755)
            self.as_user = ["runuser", "-u", "nobody", "--"]
        self.run([self.bin + "/initdb", "-D", self.dir + "/data", "-U", "parley", "-A", "trust", "--no-sync"])
        self.run([self.bin + "/pg_ctl", "-D", self.dir + "/data", "-l", self.dir + "/log", "-w", "-o",
                  "-k %s -c listen_addresses='' -c fsync=off" % self.dir, "start"])
        self.run([self.bin + "/psql", "-X", "-q", "-h", self.dir, "-U", "parley", "-d", "postgres", "-c", "CREATE DATABASE bench"])
        self.url = "postgresql://parley@/bench?host=" + self.dir

    def run(self, argv):
        subprocess.run(self.as_user + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd="/")

    def stop(self):
        subprocess.run(self.as_user + [self.bin + "/pg_ctl", "-D", self.dir + "/data", "-m", "immediate", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
        shutil.rmtree(self.dir, ignore_errors=True)


def postgres_store_rows(rows, sqlite_directory):
    """The store rows on PostgreSQL: the same data, copied from the SQLite store by parley itself."""
    try:
        cluster = PrivatePostgres()
    except (RuntimeError, subprocess.CalledProcessError) as error:
        sys.stderr.write("bench: no PostgreSQL rows (%s)\n" % error)
        return
    try:
        subprocess.run([PARLEY, "--store", cluster.url, "--import-store", os.path.join(sqlite_directory, "parley.sqlite")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=True)
        base = [PARLEY, "--store", cluster.url, "--base-url", BASE, "-m", "bench"]
        for label, command, target in [("`/chats` of 10,000 conversations", "/chats\n", "< 50 ms"),
                                       ("`/open` of a 10,000-message conversation", "/open big\n", "< 100 ms"),
                                       ("`/search` across 100,000 messages", "/search needle\n", "< 100 ms")]:
            with_command, without = paired(lambda: measure(base, stdin=command), lambda: measure(base, stdin=""))
            rows.append(("PostgreSQL: " + label + ", whole run vs the same run without it", with_command[0], without[0], target + " more"))
    finally:
        cluster.stop()


def llm_peer():
    """The `llm` CLI in a venv of its own, pointed at the bench server; None when it cannot be had."""
    venv = os.path.join(CACHE, "bench-venv")
    llm = os.path.join(venv, "bin", "llm")
    if not os.path.exists(llm):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        if subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "llm"]).returncode != 0:
            return None, None
    user = os.path.join(WORK, "llm")
    os.makedirs(user, exist_ok=True)
    with open(os.path.join(user, "extra-openai-models.yaml"), "w") as f:
        f.write('- model_id: bench\n  model_name: bench\n  api_base: "%s"\n' % BASE)
    env = dict(ENV, LLM_USER_PATH=user, OPENAI_API_KEY="not-needed")
    return llm, env


def long_conversation_memory(turns, size):
    """Peak memory (KB) of a script of `turns` messages of `size` bytes each, against a loopback
    server that answers each with one word: what each turn leaves behind."""
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("content-length", 0)))
            body = b'data: {"choices":[{"index":0,"delta":{"content":"noted"}}]}\n\ndata: [DONE]\n\n'
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        home = tempfile.mkdtemp(dir=WORK)
        env = dict(ENV, PARLEY_HOME=home)
        script = "".join("x" * (size - 1) + "\n" for _ in range(turns))
        base = "http://127.0.0.1:%d/v1" % server.server_address[1]
        return measure([PARLEY, "--base-url", base, "-m", "bench"], stdin=script, env=env)[2]
    finally:
        server.shutdown()


def cell(label, value):
    """A measure in its unit: MB, ms per 1,000 events to three places, or ms."""
    return ("%.1f" % value) if "(MB)" in label else ("%.3f ms" % (value * 1000)) if "CPU" in label else ("%.1f ms" % (value * 1000))


def table_row(row):
    label, mine, reference, target = row
    ratio = ("%.2f×" % (mine / reference)) if reference else "—"
    return "| %s | %s | %s | %s | %s |" % (label, cell(label, mine), cell(label, reference) if reference else "—", ratio, target)


class Rows(list):
    """The table's rows, each said on stderr the moment it is measured (the whole run takes minutes)."""
    def append(self, row):
        super().append(row)
        sys.stderr.write("bench: %s\n" % table_row(row))
        sys.stderr.flush()


def measuring(what):
    """Says on stderr what is being measured now."""
    sys.stderr.write("bench: measuring %s…\n" % what)
    sys.stderr.flush()


def main():
    if not os.path.exists(PARLEY):
        sys.exit("bench: build first (swift build -c release)")
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/bench/server.py"), str(PORT), str(EVENTS)],
                              stdout=subprocess.PIPE)
    if server.stdout.readline() != b"ready\n":
        server.wait()
        sys.exit("bench: the loopback server could not listen on port %d (in use? BENCH_PORT picks another)" % PORT)
    rows = Rows()
    try:
        # Startup
        measuring("start-up (%d paired runs)" % RUNS)
        p, c = paired(lambda: measure([PARLEY, "--version"]), lambda: measure(["curl", "--version"]))
        rows.append(("startup: `parley --version` vs `curl --version`", p[0], c[0], "≤ 3×"))
        p, c = paired(lambda: measure_pty([PARLEY, "--base-url", BASE, "-m", "bench"], until="›".encode()),
                      lambda: measure(["curl", "--version"]))
        rows.append(("launch to ready prompt, in a pseudo-terminal, vs `curl --version`", p[0], c[0], "< 50 ms"))

        # Streaming
        measuring("streaming %d events to a pipe and to a pseudo-terminal" % EVENTS)
        parley_pipe = [PARLEY, "--base-url", BASE, "-m", "bench", "go"]
        curl_pipe = ["curl", "-sN", BASE + "/chat/completions", "-H", "Content-Type: application/json", "-d", BODY]
        p, c = paired(lambda: measure(parley_pipe), lambda: measure(curl_pipe))
        rows.append(("stream %d events to a pipe (wall)" % EVENTS, p[0], c[0], "≤ 3×"))
        rows.append(("CPU per 1,000 events, to a pipe", p[1] / EVENTS * 1000, c[1] / EVENTS * 1000, "< 1 ms (1 µs an event)"))
        stream_memory = p[2]
        p, c = paired(lambda: measure_pty(parley_pipe), lambda: measure_pty(curl_pipe))
        rows.append(("stream %d events in a pseudo-terminal, rendered (wall)" % EVENTS, p[0], c[0], "≤ 4×"))
        rows.append(("peak memory while streaming (MB)", stream_memory / 1024, None, "< 40 MB"))
        measuring("a 10,000-line code reply, highlighted and not (%d paired runs)" % RUNS)
        code_reply_rows(rows)
        # A slow stream: how long each event takes to reach the screen
        measuring("a slow stream's events on the screen")
        parley_delays, curl_delays = [], []
        for _ in range(RUNS):
            parley_delays += slow_stream_delays(lambda base: [PARLEY, "--base-url", base, "-m", "bench", "go"])
            curl_delays += slow_stream_delays(lambda base: ["curl", "-sN", base + "/chat/completions", "-H",
                                                            "Content-Type: application/json", "-d", BODY])
        for name, pick in [("median", statistics.median), ("slowest", max)]:
            rows.append(("slow stream (%d events %d ms apart, %d runs): an event's time to the screen, %s" % (
                SLOW_EVENTS, SLOW_PAUSE * 1000, RUNS, name), pick(parley_delays), pick(curl_delays), "< 10 ms"))

        # Time to first token, against the real model: directly, then through a proxy that notes when
        # the request reaches the model and when the model's first text comes back (the same launches)
        model_ok = subprocess.run(["curl", "-sf", MODEL_URL + "/models"], stdout=subprocess.DEVNULL).returncode == 0
        if model_ok:
            measuring("the time to first token against the local model (%d runs, then %d through a proxy)" % (MANY_RUNS, MANY_RUNS))
            model = "SmolLM2-135M-Instruct"
            any_byte = lambda seen: len(seen) > 0
            has_text = lambda seen: FIRST_CONTENT.search(seen) is not None
            first_parley, first_curl = [], []
            for _ in range(MANY_RUNS):
                first_parley.append(time_to_first(ask_parley(MODEL_URL, model), any_byte))
                first_curl.append(time_to_first(ask_curl(MODEL_URL, model), has_text))
            parley_first, curl_first = statistics.median(first_parley), statistics.median(first_curl)
            rows.append(("time to first token, local model (%d runs): %+.1f ms over curl" % (len(first_parley), (parley_first - curl_first) * 1000),
                         parley_first, curl_first, "within 5 ms"))
            proxy = TimingProxy(MODEL_URL)
            parts_parley, parts_curl = [], []
            for _ in range(MANY_RUNS):
                parts_parley.append(first_token_parts(ask_parley(proxy.base, model), any_byte, proxy))
                parts_curl.append(first_token_parts(ask_curl(proxy.base, model), has_text, proxy))
            proxy.close()
            for i, part in enumerate(["launch to the request at the model", "the model, request to first text",
                                      "the model's first text to stdout"]):
                p, c = statistics.median(x[i] for x in parts_parley), statistics.median(x[i] for x in parts_curl)
                rows.append(("  of it, through a timestamping proxy (%d runs): %s, %+.1f ms" % (MANY_RUNS, part, (p - c) * 1000),
                             p, c, "—"))

        # A long conversation: what each turn leaves behind
        measuring("the peak memory of long conversations")
        rows.append(("100 turns of 10 KB, peak memory (MB)", long_conversation_memory(100, 10240) / 1024, None, "< 50 MB"))
        rows.append(("800 turns of 100 bytes, peak memory (MB)", long_conversation_memory(800, 100) / 1024, None, "—"))

        # The store
        measuring("the store (10,000 conversations, a 10,000-message one, 100,000 messages to search)")
        data = os.path.join(WORK, "store")
        store_data(data)
        base = [PARLEY, "--data-dir", data, "--base-url", BASE, "-m", "bench"]
        # Each command against the same run with no command: the reference is start-up and store opening.
        for label, command, target in [("`/chats` of 10,000 conversations", "/chats\n", "< 50 ms"),
                                       ("`/open` of a 10,000-message conversation", "/open big\n", "< 100 ms"),
                                       ("`/search` across 100,000 messages", "/search needle\n", "< 100 ms")]:
            with_command, without = paired(lambda: measure(base, stdin=command), lambda: measure(base, stdin=""))
            rows.append((label + ", whole run vs the same run without it", with_command[0], without[0], target + " more"))
            if "open" in command:
                rows.append(("peak memory opening 10,000 messages (MB)", with_command[2] / 1024, None, "—"))

        # Last of parley's own rows: this Python process then holds 20 MB more, which the children it
        # starts would count in their ru_maxrss (these rows read the children's own high-water mark).
        measuring("10 MB piped in with a prompt (%d runs)" % RUNS)
        piped_input_rows(rows)

        measuring("the store on PostgreSQL (the same data, in a private cluster)")
        postgres_store_rows(rows, data)

        # The peer
        llm, llm_env = llm_peer()
        if llm:
            measuring("the peer, `llm`")
            p, l = paired(lambda: measure([PARLEY, "--version"]), lambda: measure([llm, "--version"], env=llm_env))
            rows.append(("startup: `parley --version` vs `llm --version`", p[0], l[0], "—"))
            p, l = paired(lambda: measure(parley_pipe), lambda: measure([llm, "-n", "-m", "bench", "go"], env=llm_env))
            rows.append(("stream %d events to a pipe: parley vs `llm`" % EVENTS, p[0], l[0], "—"))
    finally:
        server.send_signal(signal.SIGTERM)
        shutil.rmtree(WORK, ignore_errors=True)

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("Measured %s on %s, %d cores (%s), medians of %d paired runs.\n" % (
        datetime.date.today().isoformat(), platform.platform(), os.cpu_count(), cpu, RUNS))
    print("| measure | parley | reference | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print(table_row(row))


if __name__ == "__main__":
    main()
