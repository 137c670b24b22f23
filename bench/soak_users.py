"""The simulated people of the soak: each logs in through the API and works the SOP and complaints.

A person thinks a while between actions, looks at their queue and inbox, opens a task, saves a
draft, completes it (and remembers every completion the server acknowledged), starts a monev cycle
now and then (the head of division), sends a public complaint, or opens an instance and downloads
one of its letters. Every request is recorded with its endpoint, status, duration and times, so the
run can tell the answers during an outage from the rest.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bench import sop

PASSWORD = "rahasia-bench"
# Who the simulated people log in as, in turn (each client one of them).
USERNAMES = ("kabid", "petugas", "subkoor", "petugas", "mitra")
ROLES = {"kabid": ["kabid"], "petugas": ["petugas"], "subkoor": ["subkoor"], "mitra": ["mitra"]}
TODAY = date.today().isoformat()
COMPLAINT = {"name": "Warga Soak", "contact": "0812-0000-0000", "channel": "whatsapp",
             "message": "Layanan perpustakaan keliling tidak datang ke desa kami bulan ini."}
REPLY = {"balasan": {"isi": "Terima kasih; jadwal perpustakaan keliling sudah dipulihkan.", "media": "whatsapp",
                     "tanggal": TODAY}}
COMPLAINT_FORMS: dict[str, dict[str, Any]] = {
    "Telaah_Pengaduan": {"telaah": {"kategori": "layanan", "prioritas": "sedang", "cara_penanganan": "internal"}},
    "Penanganan_Pengaduan": {"penanganan": {"tindakan": "Jadwal keliling diperbaiki.", "tanggal_selesai": TODAY}},
    "Balasan_Pengaduan": REPLY,
    "Tinjauan_Penutupan": {"tinjauan": {"keputusan": "tutup"}},
    "Eskalasi_Pengaduan": {"eskalasi_pengaduan": {"tindak_lanjut": "ingatkan", "catatan": "Mohon ditelaah."}},
}
_IDS = re.compile(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|/\d+")


@dataclass(frozen=True)
class Call:
    """One request: endpoint (path template), status (0: no answer), seconds, start and end (monotonic)."""

    endpoint: str
    status: int
    seconds: float
    began: float
    ended: float
    retry_after: str | None


@dataclass
class Tally:
    """What all the people did, shared by their threads."""

    calls: list[Call] = field(default_factory=list)
    completed: set[str] = field(default_factory=set)  # task ids the server acknowledged as completed
    complaints: set[str] = field(default_factory=set)  # references the server acknowledged
    started: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Person:
    """One simulated person on one kept-alive connection."""

    def __init__(self, number: int, port: int, library_ids: list[int], tally: Tally, deadline: float,
                 think: tuple[float, float], stop: threading.Event) -> None:
        self.username = USERNAMES[number % len(USERNAMES)]
        self.port = port
        self.library_ids = library_ids
        self.tally = tally
        self.deadline = deadline
        self.think = think
        self.stop = stop
        self.random = random.Random(number)
        self.conn: http.client.HTTPConnection | None = None
        self.token: str | None = None

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             auth: bool = True) -> tuple[int, Any]:
        """One request; (status, parsed JSON or raw bytes); status 0 when no answer came."""
        headers = {"Content-Type": "application/json"}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        began = time.monotonic()
        status, payload, retry = 0, None, None
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.conn.request(method, "/api/v1" + path, body=json.dumps(body) if body is not None else None,
                              headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
            status, retry = response.status, response.getheader("Retry-After")
            kind = response.getheader("Content-Type") or ""
            payload = json.loads(raw) if kind.startswith("application/json") and raw else raw
            if response.will_close:
                self._drop()
        except (OSError, http.client.HTTPException, ValueError):
            self._drop()
        ended = time.monotonic()
        endpoint = f"{method} {_IDS.sub('/{id}', path.split('?')[0])}"
        with self.tally.lock:
            self.tally.calls.append(Call(endpoint, status, ended - began, began, ended, retry))
        return status, payload

    def _drop(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def pause(self) -> bool:
        """Think a while; False once the run is over."""
        self.stop.wait(self.random.uniform(*self.think))
        return not self.stop.is_set() and time.monotonic() < self.deadline

    def run(self) -> None:
        """Log in, then act until the deadline."""
        try:
            while self.pause():
                if self.token is None:
                    status, body = self.call("POST", "/auth/token", {"username": self.username, "password": PASSWORD},
                                             auth=False)
                    if status == 200:
                        self.token = body["token"]
                    continue
                self.act()
        finally:
            self._drop()

    def act(self) -> None:
        """One thing a person does."""
        roll = self.random.random()
        if roll < 0.06:
            self.complain()
        elif roll < 0.14:
            self.read_letter()
        elif roll < 0.2:
            self.call("GET", "/tasks?scope=inbox&per_page=20")
        else:
            self.work()

    def work(self) -> None:
        """Look at the queue; open, draft and complete one of its tasks, or start a cycle when it is empty."""
        status, body = self.call("GET", "/tasks?scope=queue&per_page=20")
        if status != 200:
            return
        items = [t for t in body["items"] if t["name"] in COMPLAINT_FORMS or t["definition"] == sop.KEY]
        if not items:
            if self.username == "kabid" and self.random.random() < 0.5:
                status, started = self.call("POST", "/instances", {"definition": sop.KEY, "data": {}})
                if status == 201:
                    with self.tally.lock:
                        self.tally.started.add(started["id"])
            return
        task = self.random.choice(items[:5])
        status, _ = self.call("GET", f"/tasks/{task['id']}")
        if status != 200:
            return
        data = self.form(task["name"])
        self.call("POST", f"/tasks/{task['id']}/draft", {"data": data})
        if not self.pause():
            return
        status, _ = self.call("POST", f"/tasks/{task['id']}/complete", {"data": data})
        if status == 200:
            with self.tally.lock:
                self.tally.completed.add(task["id"])

    def form(self, name: str) -> dict[str, Any]:
        """Valid data for a task of the SOP or of a complaint."""
        if name in COMPLAINT_FORMS:
            return COMPLAINT_FORMS[name]
        return sop.form_data(name, self.library_ids, self.random.choice(self.library_ids))

    def complain(self) -> None:
        """Send a public complaint (no login)."""
        status, body = self.call("POST", "/public/complaints", COMPLAINT, auth=False)
        if status == 201:
            with self.tally.lock:
                self.tally.complaints.add(body["reference"])

    def read_letter(self) -> None:
        """Open a recent monev cycle and download one of its letters."""
        status, body = self.call("GET", f"/instances?definition={sop.KEY}&per_page=10")
        if status != 200 or not body["items"]:
            return
        status, instance = self.call("GET", f"/instances/{self.random.choice(body['items'])['id']}")
        if status == 200 and instance.get("documents"):
            self.call("GET", f"/documents/{self.random.choice(instance['documents'])['id']}")


def crowd(count: int, port: int, library_ids: list[int], seconds: float, think: tuple[float, float],
          stop: threading.Event) -> tuple[Tally, list[threading.Thread]]:
    """Start `count` people, each in a thread; their shared tally and the threads."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=Person(n, port, library_ids, tally, deadline, think, stop).run,
                                name=f"person-{n}", daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    return tally, threads
