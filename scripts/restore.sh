#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and media folder.
#
#   DATABASE_URL=postgres://user:pass@host:5432/twinning_restored \
#   PRIVATE_MEDIA_ROOT=/data/private-media scripts/restore.sh /backups/twinning-20261129-2100
#
# Checks the checksums, restores the database (pg_restore; the database must exist and be empty:
# `createdb twinning_restored`) and unpacks the documents. Stop web, worker and beat first when
# restoring over a running installation; run `manage.py migrate` afterwards if the code is newer.
set -euo pipefail

src=${1:?usage: scripts/restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL is required}"
: "${PRIVATE_MEDIA_ROOT:?PRIVATE_MEDIA_ROOT is required}"

(cd "$src" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$src/database.dump"
mkdir -p "$PRIVATE_MEDIA_ROOT"
tar -C "$PRIVATE_MEDIA_ROOT" -xzf "$src/private-media.tar.gz"
echo "Restored $src into the database and $PRIVATE_MEDIA_ROOT"
