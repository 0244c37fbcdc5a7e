#!/usr/bin/env python3
"""Pushes OCI image archives (dev/images/oci-archive.py's) to a registry over plain HTTP.

The registry API of the OCI distribution spec, nothing else: each blob is checked with
HEAD and, when missing, uploaded in one PUT; then the manifest is put under the image's
tag. The manifest's bytes are the archive's own, so its digest is the same everywhere.
Prints one line per image: its name and manifest digest.

  push.py --registry 10.200.0.1:15000 web.tar client.tar
"""
import argparse
import http.client
import json
import sys
import tarfile
import urllib.parse


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, resp.headers, data


def push_archive(registry, archive):
    with tarfile.open(archive) as tar:
        def read(name):
            return tar.extractfile(name).read()

        index = json.loads(read("index.json"))
        if len(index["manifests"]) != 1:
            sys.exit(f"push: {archive} holds {len(index['manifests'])} manifests; expected one")
        desc = index["manifests"][0]
        name = desc["annotations"]["io.containerd.image.name"]
        # docker.io/berth/web:0.1.0 -> repository berth/web, tag 0.1.0 (the registry stands in for docker.io).
        ref = name.split("/", 1)[1] if name.split("/", 1)[0] in ("docker.io", "index.docker.io") else name
        repo, tag = ref.rsplit(":", 1)
        manifest_digest = desc["digest"]
        manifest = read("blobs/sha256/" + manifest_digest.split(":", 1)[1])
        doc = json.loads(manifest)
        conn = http.client.HTTPConnection(registry, timeout=120)
        for blob in [doc["config"]] + doc["layers"]:
            digest = blob["digest"]
            status, _, _ = request(conn, "HEAD", f"/v2/{repo}/blobs/{digest}")
            if status == 200:
                continue
            status, headers, body = request(conn, "POST", f"/v2/{repo}/blobs/uploads/",
                                            headers={"Content-Length": "0"})
            if status != 202:
                sys.exit(f"push: starting the upload of {digest} to {repo} answered {status}: {body[:200]!r}")
            location = urllib.parse.urlsplit(headers["Location"])
            query = location.query + ("&" if location.query else "") + "digest=" + urllib.parse.quote(digest)
            data = read("blobs/sha256/" + digest.split(":", 1)[1])
            status, _, body = request(conn, "PUT", location.path + "?" + query, body=data,
                                      headers={"Content-Type": "application/octet-stream",
                                               "Content-Length": str(len(data))})
            if status != 201:
                sys.exit(f"push: uploading {digest} to {repo} answered {status}: {body[:200]!r}")
        status, headers, body = request(conn, "PUT", f"/v2/{repo}/manifests/{tag}", body=manifest,
                                        headers={"Content-Type": desc["mediaType"],
                                                 "Content-Length": str(len(manifest))})
        if status != 201:
            sys.exit(f"push: putting the manifest of {repo}:{tag} answered {status}: {body[:200]!r}")
        if headers.get("Docker-Content-Digest", manifest_digest) != manifest_digest:
            sys.exit(f"push: the registry stored {repo}:{tag} as {headers['Docker-Content-Digest']}, "
                     f"not {manifest_digest}")
        conn.close()
        return name, manifest_digest


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--registry", required=True, help="host:port of a registry served over HTTP")
    p.add_argument("archives", nargs="+")
    a = p.parse_args()
    for archive in a.archives:
        name, digest = push_archive(a.registry, archive)
        print(f"{name} {digest}")


if __name__ == "__main__":
    main()
