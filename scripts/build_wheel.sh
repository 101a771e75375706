#!/usr/bin/env bash
# Builds the module as an OCA-style wheel (odoo_addon_helpdesk_mgmt_status_page)
# into dist/, and each bridge addon (bridges/<name>/) as a wheel of its own
# (odoo_addon_<name>), and checks that each installs its addon, and only it,
# where Odoo finds it.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

require_odoo
rm -rf "$REPO_DIR/dist"
# whool names the wheel after the addon's directory: build from a copy of the
# committed tree in a directory that bears the module's name, whatever the
# clone's directory is called.
build_dir=$(mktemp -d)
trap 'rm -rf "$build_dir"' EXIT
mkdir "$build_dir/$MODULE"
git -C "$REPO_DIR" archive HEAD | tar -x -C "$build_dir/$MODULE"
"$ODOO_PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$REPO_DIR/dist" \
    "$build_dir/$MODULE"
wheel=$(ls "$REPO_DIR"/dist/odoo_addon_helpdesk_mgmt_status_page-*.whl)
target=$(mktemp -d)
"$ODOO_PYTHON" -m pip install --quiet --no-deps --target "$target" "$wheel"
test -f "$target/odoo/addons/$MODULE/__manifest__.py"
# The repository's tooling stays out of the addon (.gitattributes).
for tooling in bench scripts .ci bridges; do
    if [ -e "$target/odoo/addons/$MODULE/$tooling" ]; then
        log "the wheel ships $tooling/, which .gitattributes should leave out"
        exit 1
    fi
done
rm -rf "$target"
log "built $wheel"

# The bridges, left out of the module's wheel above: one wheel each, built
# from the committed tree of its directory (HEAD:bridges/<name>, which the
# root's export-ignore does not reach).
for bridge in $(git -C "$REPO_DIR" ls-tree --name-only HEAD bridges/); do
    bridge=${bridge#bridges/}
    mkdir "$build_dir/$bridge"
    git -C "$REPO_DIR" archive "HEAD:bridges/$bridge" | tar -x -C "$build_dir/$bridge"
    "$ODOO_PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$REPO_DIR/dist" \
        "$build_dir/$bridge"
    wheel=$(ls "$REPO_DIR"/dist/odoo_addon_"$bridge"-*.whl)
    target=$(mktemp -d)
    "$ODOO_PYTHON" -m pip install --quiet --no-deps --target "$target" "$wheel"
    test -f "$target/odoo/addons/$bridge/__manifest__.py"
    installed=$(ls "$target/odoo/addons")
    if [ "$installed" != "$bridge" ]; then
        log "the wheel of $bridge ships more than its addon: $installed"
        exit 1
    fi
    rm -rf "$target"
    log "built $wheel"
done
