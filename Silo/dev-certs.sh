#!/usr/bin/env bash
# Development certificates for the mutual TLS of docker-compose.yml, made locally with openssl (nothing downloaded).
# Never use them in production. Writes to the folder given, by default dev-certs/ at the repository root:
#   ca.pem               the development CA (Tls__TrustedCaPath); ca.key stays beside it to issue more
#   silo.pem, silo.key   the silos' certificate: server and client authentication, names silo1..silo3 and localhost, and
#                        the silo role's URI (urn:boostedgrains:silo, the default Tls__SiloUri) that marks a silo
#   app.pem, app.key     an app server's certificate: client authentication only and no silo URI, so it cannot pose as a silo
# Usage: Silo/dev-certs.sh [folder]
set -euo pipefail
out="${1:-$(cd "$(dirname "$0")/.." && pwd)/dev-certs}"
mkdir -p "$out"
cd "$out"
days=825

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days "$days" \
  -subj "/CN=BoostedGrains development CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

issue() {
  local name=$1 usage=$2 names=$3
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" \
    -subj "/CN=boostedgrains-$name" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\nsubjectAltName=%s\n' \
    "$usage" "$names" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$name.pem" -days "$days" \
    -extfile "$name.ext" 2>/dev/null
  rm "$name.csr" "$name.ext"
}

issue silo serverAuth,clientAuth "DNS:silo1,DNS:silo2,DNS:silo3,DNS:localhost,IP:127.0.0.1,URI:urn:boostedgrains:silo"
issue app clientAuth "DNS:localhost"
# Readable by the containers' user, which does not own the mounted files: acceptable for development keys only.
chmod 644 ./*.pem ./*.key
echo "Development certificates written to $out"
