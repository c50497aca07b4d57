#!/usr/bin/env python3
"""Derives the Milvus protocol descriptors from a pinned pymilvus wheel (DESIGN.md §6).

pymilvus ships generated Python modules (pymilvus/grpc_gen/*_pb2.py), each embedding its
serialized FileDescriptorProto in a call `AddSerializedFile(b'...')`. This script reads those
bytes with `ast` -- it does not import the modules, so it needs neither pymilvus's dependencies
nor a particular protobuf runtime -- and writes them as a FileDescriptorSet that
`protoc --descriptor_set_in` turns into C++. No .proto text is involved.

Usage:
  gen_descriptors.py --wheel pymilvus-2.6.17-py3-none-any.whl --out milvus.desc [--list FILE]
  gen_descriptors.py --package-dir .../site-packages/pymilvus --out milvus.desc

--list writes the .proto file names (one per line, dependencies first) for the protoc command.
Only the standard library is used.
"""

import argparse
import ast
import os
import sys
import zipfile

MODULES = ["common", "rg", "schema", "feder", "msg", "milvus"]


def serialized_descriptor(source, where):
    """Returns the bytes passed to AddSerializedFile in a generated _pb2 module's source."""
    tree = ast.parse(source, filename=where)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "AddSerializedFile" and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, bytes)):
            return node.args[0].value
    raise SystemExit(f"gen_descriptors: no AddSerializedFile(b'...') call in {where}")


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_string_field(buf, field_number):
    """Yields every length-delimited value of `field_number` at the top level of `buf`."""
    i = 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            _, i = read_varint(buf, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            n, i = read_varint(buf, i)
            if num == field_number:
                yield buf[i:i + n]
            i += n
        else:
            raise SystemExit(f"gen_descriptors: unexpected wire type {wire}")


def read_varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--wheel", help="path to a pymilvus .whl")
    src.add_argument("--package-dir", help="path to an installed pymilvus package directory")
    ap.add_argument("--out", required=True, help="FileDescriptorSet to write")
    ap.add_argument("--list", help="also write the .proto file names here")
    args = ap.parse_args()

    files = {}  # proto file name -> (serialized FileDescriptorProto, dependencies)
    for mod in MODULES:
        rel = f"pymilvus/grpc_gen/{mod}_pb2.py"
        if args.wheel:
            with zipfile.ZipFile(args.wheel) as z:
                source = z.read(rel).decode("utf-8")
            where = f"{args.wheel}!{rel}"
        else:
            where = os.path.join(args.package_dir, "grpc_gen", f"{mod}_pb2.py")
            with open(where, encoding="utf-8") as f:
                source = f.read()
        data = serialized_descriptor(source, where)
        name = next(read_string_field(data, 1)).decode()  # FileDescriptorProto.name
        deps = [d.decode() for d in read_string_field(data, 3)]  # .dependency
        files[name] = (data, deps)

    # Dependencies first. google/protobuf/*.proto come from protoc's own include path.
    ordered, seen = [], set()

    def visit(name):
        if name in seen or name not in files:
            return
        seen.add(name)
        for d in files[name][1]:
            visit(d)
        ordered.append(name)

    for name in sorted(files):
        visit(name)

    out = bytearray()
    for name in ordered:
        data = files[name][0]
        out += b"\x0a" + varint(len(data)) + data  # FileDescriptorSet.file = 1
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(out)
    os.replace(tmp, args.out)
    if args.list:
        with open(args.list, "w") as f:
            f.write("\n".join(ordered) + "\n")
    print(f"gen_descriptors: {len(ordered)} files -> {args.out}: {' '.join(ordered)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
