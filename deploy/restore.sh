#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a fresh, empty database and empty media folders.
#
#   deploy/restore.sh BACKUP_DIRECTORY
#
# Reads the same environment as the site, naming the targets:
#   DATABASE_URL               an existing, empty PostgreSQL database (createdb makes one)
#   DJANGO_MEDIA_ROOT          where media go (default: var/media); absent or empty
#   DJANGO_PRIVATE_MEDIA_ROOT  where certificate PDFs and evidence go (default: var/private); absent or empty
#
# It checks every file against the backup's SHA-256 sums first, refuses a database that has
# tables or a media folder that has files (it never overwrites), restores the database in one
# transaction without the original owners, then unpacks the media. Afterwards run
# `manage.py migrate` (if the code is newer than the backup) and `manage.py verify_certificates`.
set -euo pipefail

fail() {
    echo "restore: $*" >&2
    exit 1
}

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -eq 1 ]] || fail "usage: deploy/restore.sh BACKUP_DIRECTORY"
backup="$1"
media_root="${DJANGO_MEDIA_ROOT:-$project_dir/var/media}"
private_media_root="${DJANGO_PRIVATE_MEDIA_ROOT:-$project_dir/var/private}"

[[ -d "$backup" ]] || fail "$backup is not a directory."
[[ -f "$backup/database.dump" && -f "$backup/SHA256SUMS" ]] ||
    fail "$backup is not a backup made by deploy/backup.sh (no database.dump or SHA256SUMS)."
[[ -n "${DATABASE_URL:-}" ]] || fail "DATABASE_URL is not set; it names the empty database to restore into."
[[ "$DATABASE_URL" =~ ^postgres(ql)?:// ]] || fail "DATABASE_URL must be a PostgreSQL URL (postgres://...)."
for tool in pg_restore psql tar sha256sum; do
    command -v "$tool" >/dev/null || fail "$tool is not installed."
done

echo "restore: checking the backup's files"
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || fail "the backup's files do not match SHA256SUMS; it is damaged."

tables="$(psql --dbname="$DATABASE_URL" --no-psqlrc --tuples-only --no-align --set=ON_ERROR_STOP=1 \
    --command="SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" ||
    fail "cannot connect to the target database; create it first (createdb NAME)."
[[ "$tables" == "0" ]] || fail "the target database is not empty ($tables tables); restore only into a fresh database."

ensure_empty() { # ensure_empty FOLDER
    if [[ -d "$1" ]] && [[ -n "$(ls -A "$1")" ]]; then
        fail "$1 is not empty; restore media only into empty folders."
    fi
}
[[ ! -f "$backup/media.tar.gz" ]] || ensure_empty "$media_root"
[[ ! -f "$backup/private-media.tar.gz" ]] || ensure_empty "$private_media_root"

echo "restore: restoring the database"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$DATABASE_URL" "$backup/database.dump" || fail "pg_restore failed; the database was left empty."

unpack() { # unpack ARCHIVE FOLDER
    if [[ ! -f "$backup/$1" ]]; then
        echo "restore: no $1 in the backup; $2 left as it is"
        return
    fi
    echo "restore: unpacking $1 into $2"
    mkdir -p "$2"
    tar --extract --gzip --no-same-owner --file="$backup/$1" --directory="$2" || fail "could not unpack $1 into $2."
}
unpack media.tar.gz "$media_root"
unpack private-media.tar.gz "$private_media_root"

echo "restore: done. Next: manage.py migrate (if the code is newer than the backup), then manage.py verify_certificates."
