#!/usr/bin/env bash
# Installs the Debian packages the project needs, if any are missing.
# Usage: source this file, then `ensure_packages PACKAGE...`.

# poppler-utils: pdftotext, which the RAG service runs to read uploaded PDFs.
# libtesseract-dev, tesseract-ocr-spa, tesseract-ocr-eng: the media service's offline OCR (and its language data).
# libcurl4-openssl-dev is named in the same apt call as libtesseract-dev, so apt never picks the NSS flavour for it.
BUILD_PACKAGES=(pkg-config libssl-dev libcurl4-openssl-dev libpq-dev libhiredis-dev libsqlite3-dev openssl poppler-utils
    libtesseract-dev tesseract-ocr-spa tesseract-ocr-eng)
# g++: llama.cpp's server (the real chat-completions server of the tests) compiles from PyPI's source once.
# espeak-ng, sox, opus-tools: real speech in WAV, OGG, MP3, FLAC and Opus; imagemagick and fonts-dejavu-core: images with real text.
# chromium, chromium-driver: the admin panel's browser tests (Selenium from PyPI drives them).
TEST_PACKAGES=(redis-server postgresql curl python3-venv g++ espeak-ng sox libsox-fmt-all opus-tools imagemagick fonts-dejavu-core
    chromium chromium-driver)

ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "==> installing missing packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: the Swift 6 toolchain is not on PATH (https://www.swift.org/install/linux/)" >&2
        exit 1
    fi
}
