#!/usr/bin/env bash
# Back up the two things that hold state: the PostgreSQL database and the uploaded documents.
#
#   DATABASE_URL=postgres://user:pass@host:5432/twinning PRIVATE_MEDIA_ROOT=/data/private-media \
#       scripts/backup.sh /backups/twinning-$(date -u +%Y%m%d-%H%M)
#
# Writes <dir>/database.dump (pg_dump, custom format), <dir>/private-media.tar.gz and
# <dir>/SHA256SUMS. Take both at the same time (documents uploaded between the two are the only
# thing that can be missing from the dump's point of view, never the reverse order's orphans).
set -euo pipefail

out=${1:?usage: scripts/backup.sh OUTPUT_DIR}
: "${DATABASE_URL:?DATABASE_URL is required}"
: "${PRIVATE_MEDIA_ROOT:?PRIVATE_MEDIA_ROOT is required}"

mkdir -p "$out"
# Documents first, then the database: every document row of the dump then has its file.
if [[ -d $PRIVATE_MEDIA_ROOT ]]; then
    tar -C "$PRIVATE_MEDIA_ROOT" -czf "$out/private-media.tar.gz" .
else
    tar -czf "$out/private-media.tar.gz" --files-from /dev/null
fi
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$out/database.dump"
(cd "$out" && sha256sum database.dump private-media.tar.gz >SHA256SUMS)
echo "Backup written to $out: $(du -sh "$out" | cut -f1)"
