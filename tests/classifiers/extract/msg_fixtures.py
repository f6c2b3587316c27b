"""A minimal Compound File Binary (OLE2, version 3) writer for synthetic Outlook .msg files.

Written from the [MS-CFB] layout: 512-byte header with the DIFAT, FAT, directory, mini FAT
and mini stream (streams under 4,096 bytes live in 64-byte mini sectors). Siblings are
chained through right-sibling links (a degenerate tree; readers only walk it).
[MS-OXMSG] names: ``__substg1.0_<tag><type>`` streams (001F = UTF-16LE string,
0102 = binary), ``__attach_version1.0_#N`` and ``__recip_version1.0_#N`` storages.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


@dataclass
class Storage:
    children: dict[str, Storage | bytes] = field(default_factory=dict)


def msg_storage(
    *, subject: str, body: str, sender: str = "", to: str = "", headers: str = "",
    html: str | None = None, attachments: list[tuple[str, bytes | Storage]] | None = None,
) -> Storage:
    """The storage tree of an Outlook message (string properties only)."""
    root = Storage()

    def put(st: Storage, tag: str, text: str) -> None:
        st.children[f"__substg1.0_{tag}001F"] = text.encode("utf-16-le")

    put(root, "0037", subject)
    put(root, "1000", body)
    if sender:
        put(root, "0C1F", sender)
    if to:
        put(root, "0E04", to)
    if headers:
        put(root, "007D", headers)
    if html is not None:
        root.children["__substg1.0_10130102"] = html.encode("utf-8")
    root.children["__properties_version1.0"] = bytes(32)
    for i, (name, content) in enumerate(attachments or []):
        att = Storage()
        put(att, "3707", name)
        if isinstance(content, Storage):
            att.children["__substg1.0_3701000D"] = content
        else:
            att.children["__substg1.0_37010102"] = content
        att.children["__properties_version1.0"] = bytes(8)
        root.children[f"__attach_version1.0_#{i:08X}"] = att
    return root


def write_cfb(root: Storage) -> bytes:
    entries: list[dict] = []  # flattened directory, index 0 = root

    def add(name: str, node: Storage | bytes) -> int:
        idx = len(entries)
        entries.append({"name": name, "node": node, "child": NOSTREAM, "right": NOSTREAM})
        if isinstance(node, Storage):
            kids = [add(n, c) for n, c in node.children.items()]
            if kids:
                entries[idx]["child"] = kids[0]
                for a, b in zip(kids, kids[1:], strict=False):
                    entries[a]["right"] = b
        return idx

    add("Root Entry", root)

    mini = bytearray()
    minifat: list[int] = []
    big: list[tuple[int, bytes]] = []
    for i, e in enumerate(entries):
        node = e["node"]
        if isinstance(node, bytes):
            e["size"] = len(node)
            if len(node) < CUTOFF:
                start = len(mini) // MINI
                n = max(1, -(-len(node) // MINI)) if node else 0
                e["start"] = start if node else END
                for k in range(n):
                    minifat.append(start + k + 1 if k < n - 1 else END)
                mini += node + bytes(n * MINI - len(node))
            else:
                big.append((i, node))
        else:
            e["size"] = 0
            e["start"] = END if i else 0

    dir_bytes = len(entries) * 128
    n_dir = -(-dir_bytes // SECTOR)
    n_minifat = -(-len(minifat) * 4 // SECTOR)
    n_mini = -(-len(mini) // SECTOR)
    n_big = sum(-(-len(d) // SECTOR) for _, d in big)
    n_fat = 1
    while n_fat * 128 < n_fat + n_dir + n_minifat + n_mini + n_big:
        n_fat += 1

    fat: list[int] = [FATSECT] * n_fat
    sector = n_fat

    def chain(count: int) -> int:
        nonlocal sector
        if count == 0:
            return END
        first = sector
        for k in range(count):
            fat.append(sector + 1 if k < count - 1 else END)
            sector += 1
        return first

    dir_start = chain(n_dir)
    minifat_start = chain(n_minifat)
    mini_start = chain(n_mini)
    entries[0]["start"] = mini_start if n_mini else END
    entries[0]["size"] = len(mini)
    payload = bytearray()
    for i, data in big:
        entries[i]["start"] = chain(-(-len(data) // SECTOR))
        payload += data + bytes(-len(data) % SECTOR)
    fat += [FREE] * (n_fat * 128 - len(fat))

    header = bytearray(SECTOR)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, n_fat, dir_start, 0, CUTOFF,
                     minifat_start if n_minifat else END, n_minifat, END, 0)
    difat = list(range(n_fat)) + [FREE] * (109 - n_fat)
    struct.pack_into("<109I", header, 76, *difat)

    directory = bytearray()
    for i, e in enumerate(entries):
        raw = bytearray(128)
        name = e["name"].encode("utf-16-le")[:62]
        raw[0 : len(name)] = name
        kind = 5 if i == 0 else (1 if isinstance(e["node"], Storage) else 2)
        struct.pack_into("<HBBIII", raw, 64, len(name) + 2, kind, 1, NOSTREAM, e["right"],
                         e["child"])
        struct.pack_into("<IQ", raw, 116, e["start"], e["size"])
        directory += raw
    directory += bytes(n_dir * SECTOR - len(directory))
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    minifat_bytes += b"\xff" * (n_minifat * SECTOR - len(minifat_bytes))
    mini_bytes = bytes(mini) + bytes(n_mini * SECTOR - len(mini))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return bytes(header) + fat_bytes + bytes(directory) + minifat_bytes + mini_bytes + bytes(payload)
