#!/usr/bin/env bash
# Back up the platform: the PostgreSQL database and the local media files.
#
#   deploy/backup.sh [DESTINATION]        (default: $BACKUP_DIR, else var/backups)
#
# Reads the same environment as the site:
#   DATABASE_URL               postgres://user:password@host:port/name (required)
#   DJANGO_MEDIA_ROOT          uploaded images and documents (default: var/media)
#   DJANGO_PRIVATE_MEDIA_ROOT  certificate PDFs and CE evidence (default: var/private)
#
# Writes DESTINATION/pss-backup-<UTC timestamp>/ holding database.dump (pg_dump custom format),
# media.tar.gz, private-media.tar.gz, manifest.txt (what, when, sizes, SHA-256) and SHA256SUMS.
# The directory appears only once everything is written, so a failed run leaves no half backup.
# Media kept in object storage (S3) are not in the folders above: the bucket's versioning and
# replication are their backup. See docs/backup.md.
set -euo pipefail

fail() {
    echo "backup: $*" >&2
    exit 1
}

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
destination="${1:-${BACKUP_DIR:-$project_dir/var/backups}}"
media_root="${DJANGO_MEDIA_ROOT:-$project_dir/var/media}"
private_media_root="${DJANGO_PRIVATE_MEDIA_ROOT:-$project_dir/var/private}"

[[ -n "${DATABASE_URL:-}" ]] || fail "DATABASE_URL is not set; it names the database to back up."
[[ "$DATABASE_URL" =~ ^postgres(ql)?:// ]] || fail "DATABASE_URL must be a PostgreSQL URL (postgres://...)."
for tool in pg_dump tar sha256sum; do
    command -v "$tool" >/dev/null || fail "$tool is not installed."
done

umask 077 # the backup holds personal data: readable by its owner only
mkdir -p "$destination" || fail "cannot create $destination."
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="pss-backup-$stamp"
final="$destination/$name"
work="$destination/.$name.partial"
[[ ! -e "$final" ]] || fail "$final already exists."
mkdir "$work"
trap 'rm -rf "$work"' EXIT

# The database, without its password in anything written.
database="$(sed -E 's#^[a-z]+://([^:@/]*)(:[^@/]*)?@#\1@#' <<<"$DATABASE_URL")"
echo "backup: dumping the database ($database)"
pg_dump --format=custom --compress=6 --dbname="$DATABASE_URL" --file="$work/database.dump" ||
    fail "pg_dump failed; nothing was written."

archive_media() { # archive_media FOLDER ARCHIVE LABEL
    if [[ ! -d "$1" ]]; then
        echo "backup: warning: $3 folder $1 does not exist; skipped (in object storage? see docs/backup.md)" >&2
        echo "$3=skipped ($1 does not exist)" >>"$work/manifest.body"
        return
    fi
    echo "backup: archiving $3 ($1)"
    tar --create --gzip --file="$work/$2" --directory="$1" . || fail "could not archive $1."
    echo "$3=$1" >>"$work/manifest.body"
    files+=("$2")
}
files=(database.dump)
: >"$work/manifest.body"
archive_media "$media_root" media.tar.gz media
archive_media "$private_media_root" private-media.tar.gz private_media

(cd "$work" && sha256sum -- "${files[@]}" >SHA256SUMS)
{
    echo "# Peer Support Training backup"
    echo "created_at=$stamp"
    echo "database=$database"
    echo "pg_dump=$(pg_dump --version)"
    cat "$work/manifest.body"
    echo "# file  bytes  sha256"
    while read -r sum file; do
        echo "$file  $(stat -c %s "$work/$file")  $sum"
    done <"$work/SHA256SUMS"
} >"$work/manifest.txt"
rm "$work/manifest.body"

mv "$work" "$final"
trap - EXIT
echo "backup: done: $final"
cat "$final/manifest.txt"
