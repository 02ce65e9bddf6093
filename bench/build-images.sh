#!/usr/bin/env bash
# Builds the real benchmark images into .bench/images (idempotent: skips what exists).
#   debian-minbase.tar       Debian 12 minbase, docker-archive, uncompressed layer
#   debian-minbase-oci/      the same image as an OCI layout with a gzip layer (tag: minbase)
#   debian-minbase-zstd/     the same image as an OCI layout with a zstd layer (tag: minbase)
#   large.tar                Debian 12 with a few hundred packages + a node_modules layer (>1 GB unpacked);
#                            no JRE: offline Trivy cannot read jars without downloading its Java DB
#   minbase-data.tar         minbase + a layer of 2 GiB of random data files: the same 88 packages in an
#                            image 11x larger (peak memory must not follow the image's size)
#   minbase-files.tar        minbase + a layer of 500,000 empty files in 1,000 folders: the same 88
#                            packages behind half a million tar members (the per-member cost)
#   minbase-node/            minbase + a gzip layer holding this machine's `node` executable (~100 MB ELF):
#                            an executable the Go and Rust catalogers look into, from a compressed stream
#   minbase-fatjar.tar       minbase + a layer holding a 100 MB Spring-Boot-style fat jar (40 libraries
#                            stored in it, each with 2.5 MB of data), docker-archive, uncompressed
# Needs: debootstrap umoci skopeo (apt-get install -y debootstrap umoci skopeo), npm registry access.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.bench/images
ROOTS=.bench/rootfs
mkdir -p "$OUT" "$ROOTS"

layout_from_rootfs() { # layout-dir tag rootfs-dir...
  local layout=$1 tag=$2; shift 2
  rm -rf "$layout" "$layout.bundle"
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  for rootfs in "$@"; do
    umoci unpack --image "$layout:$tag" "$layout.bundle"
    # Each rootfs becomes one layer on top of the previous ones.
    cp -a "$rootfs"/. "$layout.bundle/rootfs/"
    umoci repack --image "$layout:$tag" "$layout.bundle"
    rm -rf "$layout.bundle"
  done
  umoci config --image "$layout:$tag" --config.cmd /bin/bash --os linux --architecture amd64
  umoci gc --layout "$layout"
}

if [ ! -d "$ROOTS/minbase/usr" ]; then
  debootstrap --variant=minbase bookworm "$ROOTS/minbase"
fi
if [ ! -f "$OUT/debian-minbase.tar" ]; then
  layout_from_rootfs "$OUT/debian-minbase-oci" minbase "$ROOTS/minbase"
  skopeo copy --quiet oci:"$OUT/debian-minbase-oci:minbase" docker-archive:"$OUT/debian-minbase.tar":bench/debian:minbase
fi
if [ ! -d "$OUT/debian-minbase-zstd" ]; then
  skopeo copy --quiet --dest-compress-format zstd oci:"$OUT/debian-minbase-oci:minbase" oci:"$OUT/debian-minbase-zstd":minbase
fi

if [ ! -d "$ROOTS/large/usr" ]; then
  debootstrap --variant=minbase \
    --include=python3,python3-pip,python3-venv,perl,git,curl,wget,openssh-client,vim,less,gcc,g++,make,libc6-dev,libssl-dev,zlib1g-dev,openssl,ca-certificates,gnupg,sudo,procps,iproute2,iputils-ping,netbase,unzip,xz-utils,bzip2,file,jq,rsync,tzdata,locales,libxml2,libsqlite3-0,sqlite3,postgresql-client,python3-numpy,python3-yaml,python3-requests \
    bookworm "$ROOTS/large"
fi
if [ ! -d "$ROOTS/large-app/app/node_modules" ]; then
  mkdir -p "$ROOTS/large-app/app"
  cat > "$ROOTS/large-app/app/package.json" <<'JSON'
{ "name": "bench-app", "version": "1.0.0", "private": true,
  "dependencies": { "typescript": "5.9.3", "webpack": "5.97.1", "@babel/core": "7.26.0", "eslint": "9.17.0",
    "react": "18.3.1", "react-dom": "18.3.1", "next": "15.1.3", "express": "4.21.2", "lodash": "4.17.21",
    "aws-sdk": "2.1692.0", "@angular/core": "19.0.5", "rxjs": "7.8.1", "moment": "2.30.1", "axios": "1.7.9",
    "jest": "29.7.0", "prettier": "3.4.2", "sass": "1.83.0", "mongoose": "8.9.2", "puppeteer-core": "23.11.1",
    "@mui/material": "6.3.0", "three": "0.171.0", "googleapis": "144.0.0", "@tensorflow/tfjs": "4.22.0" } }
JSON
  (cd "$ROOTS/large-app/app" && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
fi
if [ ! -f "$OUT/large.tar" ]; then
  layout_from_rootfs "$OUT/large-oci" large "$ROOTS/large" "$ROOTS/large-app"
  skopeo copy --quiet oci:"$OUT/large-oci:large" docker-archive:"$OUT/large.tar":bench/large:latest
fi
if [ ! -d "$ROOTS/data/srv" ]; then
  mkdir -p "$ROOTS/data/srv/data"
  for i in 1 2 3 4; do head -c 512M /dev/urandom > "$ROOTS/data/srv/data/blob-$i.bin"; done
fi
if [ ! -f "$OUT/minbase-data.tar" ]; then
  layout_from_rootfs "$OUT/minbase-data-oci" data "$ROOTS/minbase" "$ROOTS/data"
  skopeo copy --quiet oci:"$OUT/minbase-data-oci:data" docker-archive:"$OUT/minbase-data.tar":bench/minbase-data:latest
  rm -rf "$OUT/minbase-data-oci"
fi
if [ ! -d "$ROOTS/files/srv/files" ]; then
  mkdir -p "$ROOTS/files/srv/files"
  (cd "$ROOTS/files/srv/files" && seq 0 999 | xargs mkdir -p && seq 0 499999 | awk '{ print $1 % 1000 "/file-" $1 ".txt" }' | xargs touch)
fi
if [ ! -f "$OUT/minbase-files.tar" ]; then
  layout_from_rootfs "$OUT/minbase-files-oci" files "$ROOTS/minbase" "$ROOTS/files"
  skopeo copy --quiet oci:"$OUT/minbase-files-oci:files" docker-archive:"$OUT/minbase-files.tar":bench/minbase-files:latest
  rm -rf "$OUT/minbase-files-oci"
fi
if [ ! -f "$ROOTS/node/usr/local/bin/node" ]; then
  mkdir -p "$ROOTS/node/usr/local/bin"
  cp "$(readlink -f "$(command -v node)")" "$ROOTS/node/usr/local/bin/node"
fi
if [ ! -d "$OUT/minbase-node" ]; then
  layout_from_rootfs "$OUT/minbase-node" node "$ROOTS/minbase" "$ROOTS/node"
fi
if [ ! -f "$ROOTS/fatjar/opt/app/service-1.0.0.jar" ]; then
  mkdir -p "$ROOTS/fatjar/opt/app"
  python3 - "$ROOTS/fatjar/opt/app/service-1.0.0.jar" <<'PY'
import io, os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as jar:
    jar.writestr('META-INF/maven/com.example/service/pom.properties',
                 'groupId=com.example\nartifactId=service\nversion=1.0.0\n')
    for i in range(40):
        lib = io.BytesIO()
        with zipfile.ZipFile(lib, 'w', zipfile.ZIP_DEFLATED) as inner:
            inner.writestr(f'META-INF/maven/com.example/lib{i}/pom.properties',
                           f'groupId=com.example\nartifactId=lib{i}\nversion=1.{i}.0\n')
            inner.writestr(f'lib{i}/data.bin', os.urandom(2_500_000))
        jar.writestr(f'BOOT-INF/lib/lib{i}-1.{i}.0.jar', lib.getvalue())
PY
fi
if [ ! -f "$OUT/minbase-fatjar.tar" ]; then
  layout_from_rootfs "$OUT/minbase-fatjar-oci" fatjar "$ROOTS/minbase" "$ROOTS/fatjar"
  skopeo copy --quiet oci:"$OUT/minbase-fatjar-oci:fatjar" docker-archive:"$OUT/minbase-fatjar.tar":bench/fatjar:latest
  rm -rf "$OUT/minbase-fatjar-oci"
fi
du -sh "$OUT"/* "$ROOTS"/*
