#!/usr/bin/env python3
"""Writes a one-layer OCI image archive from a directory, for `ctr images import`.

No registry and no container engine: the directory becomes the layer (a tar with
fixed owners and times, so the same input gives the same digest), and the archive
holds the layer, the image config, the manifest and an index whose
io.containerd.image.name annotation names the image.

  oci-archive.py --rootfs DIR --name docker.io/berth/web:0.1.0 --out web.tar \
      --entrypoint /berth-demo --cmd serve --user 65532:65532 [--env K=V ...]
"""
import argparse
import hashlib
import io
import json
import os
import sys
import tarfile

EPOCH = 0


def layer_tar(rootfs):
    """The directory as an uncompressed tar, entries sorted, owned by root, dated 1970."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            for name in sorted(dirnames) + sorted(filenames):
                path = os.path.join(dirpath, name)
                arcname = os.path.relpath(path, rootfs)
                info = tar.gettarinfo(path, arcname)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mtime = EPOCH
                if info.isreg():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return buf.getvalue()


def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest(), data


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rootfs", required=True)
    p.add_argument("--name", required=True, help="full image name, e.g. docker.io/berth/web:0.1.0")
    p.add_argument("--out", required=True)
    p.add_argument("--entrypoint", action="append", default=[])
    p.add_argument("--cmd", action="append", default=[])
    p.add_argument("--user", default="")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--workdir", default="/")
    p.add_argument("--port", action="append", default=[])
    a = p.parse_args()
    if not os.path.isdir(a.rootfs):
        sys.exit(f"oci-archive: {a.rootfs} is not a directory")
    if ":" not in a.name.rsplit("/", 1)[-1]:
        sys.exit(f"oci-archive: {a.name} has no tag; name it like docker.io/berth/web:0.1.0")

    layer_digest, layer = blob(layer_tar(a.rootfs))
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Env": ([] if any(e.startswith("PATH=") for e in a.env)
                    else ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]) + a.env,
            "Entrypoint": a.entrypoint or None,
            "Cmd": a.cmd or None,
            "WorkingDir": a.workdir,
            "User": a.user,
            "ExposedPorts": {port + "/tcp": {} for port in a.port} or None,
        },
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
        "history": [{"created_by": "dev/images/build", "created": "1970-01-01T00:00:00Z"}],
        "created": "1970-01-01T00:00:00Z",
    }
    config["config"] = {k: v for k, v in config["config"].items() if v is not None}
    config_digest, config_bytes = blob(json.dumps(config, sort_keys=True).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                   "size": len(config_bytes)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest,
                    "size": len(layer)}],
    }
    manifest_digest, manifest_bytes = blob(json.dumps(manifest, sort_keys=True).encode())
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest,
            "size": len(manifest_bytes),
            "platform": {"architecture": "amd64", "os": "linux"},
            "annotations": {"io.containerd.image.name": a.name,
                            "org.opencontainers.image.ref.name": a.name.rsplit(":", 1)[1]},
        }],
    }
    tmp = a.out + ".tmp"
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as out:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = EPOCH
            out.addfile(info, io.BytesIO(data))

        add("oci-layout", json.dumps({"imageLayoutVersion": "1.0.0"}).encode())
        add("index.json", json.dumps(index, sort_keys=True).encode())
        for digest, data in ((layer_digest, layer), (config_digest, config_bytes), (manifest_digest, manifest_bytes)):
            add("blobs/sha256/" + digest.split(":", 1)[1], data)
    os.replace(tmp, a.out)
    print(f"{a.name} {manifest_digest} {len(layer)} bytes")


if __name__ == "__main__":
    main()
