#!/usr/bin/env bash
# Starts real FTP, FTPS and SFTP servers on 127.0.0.1 for the tests of `bangtin deploy`.
#
# Usage (as root, on Debian 12; safe to run again, it leaves running servers alone):
#   bash .ci/deploy-servers.sh            # install what is missing, start what is not running
#   bash .ci/deploy-servers.sh --restart  # also stop and restart the servers it started before
#
# What it starts (no systemd needed: the daemons are started directly, in the background):
#   FTP   vsftpd on 127.0.0.1:2121, passive ports 30000-30099
#   FTPS  vsftpd on 127.0.0.1:2990, explicit TLS (AUTH TLS), self-signed certificate,
#         passive ports 30100-30199
#   SFTP  OpenSSH sshd on 127.0.0.1:2222 (password login, internal-sftp)
# all for a throwaway user `bangtin-test` whose home is /srv/bangtin-test.
#
# The connection details are printed as shell lines and written to
# /tmp/bangtin-deploy-servers.env (source it, or rely on the tests' defaults, which match).
set -euo pipefail

USER_NAME=bangtin-test
USER_HOME=/srv/bangtin-test
# A throwaway password for a local test account that only listens on 127.0.0.1.
USER_PASSWORD=bangtin-test-pw
FTP_PORT=2121
FTPS_PORT=2990
SFTP_PORT=2222
CONF_DIR=/etc/bangtin-test
STATE_DIR=/run/bangtin-test
LOG_DIR=/var/log/bangtin-test
ENV_FILE=/tmp/bangtin-deploy-servers.env

restart=0
for arg in "$@"; do
    case "$arg" in
        --restart) restart=1 ;;
        -h | --help)
            sed -n '2,17p' "$0"
            exit 0
            ;;
        *)
            echo "deploy-servers.sh: unknown argument '$arg' (try --help)" >&2
            exit 2
            ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    echo "deploy-servers.sh: run me as root (I install packages and start daemons)" >&2
    exit 1
fi

log() { echo "deploy-servers: $*" >&2; }

# --- packages -------------------------------------------------------------------------------
need=()
for pkg in vsftpd openssh-server openssl libssl-dev pkg-config; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
    log "installing ${need[*]}"
    # Keep the packages' own init scripts from starting daemons on ports 21 and 22: we start our
    # own instances below. (The usual policy-rc.d trick; only if no policy is already in place.)
    policy_added=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        policy_added=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends "${need[@]}" >/tmp/bangtin-deploy-apt.log 2>&1; then
        apt-get update >>/tmp/bangtin-deploy-apt.log 2>&1
        apt-get install -y --no-install-recommends "${need[@]}" >>/tmp/bangtin-deploy-apt.log 2>&1 || {
            cat /tmp/bangtin-deploy-apt.log >&2
            [ "$policy_added" = 1 ] && rm -f /usr/sbin/policy-rc.d
            exit 1
        }
    fi
    [ "$policy_added" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi

# --- the throwaway user ---------------------------------------------------------------------
if ! id "$USER_NAME" >/dev/null 2>&1; then
    log "creating user $USER_NAME"
    mkdir -p "$(dirname "$USER_HOME")"
    useradd --create-home --home-dir "$USER_HOME" --shell /bin/bash "$USER_NAME"
fi
echo "$USER_NAME:$USER_PASSWORD" | chpasswd
mkdir -p "$USER_HOME"
chown "$USER_NAME:$USER_NAME" "$USER_HOME"
chmod 755 "$USER_HOME"

mkdir -p "$CONF_DIR" "$STATE_DIR" "$LOG_DIR" /var/run/vsftpd/empty /run/sshd
chmod 755 /var/run/vsftpd/empty /run/sshd

# --- certificate and host key ---------------------------------------------------------------
if [ ! -s "$CONF_DIR/ftps.pem" ]; then
    log "making a self-signed certificate for FTPS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
        -keyout "$CONF_DIR/ftps.key" -out "$CONF_DIR/ftps.pem" >/dev/null 2>&1
    chmod 600 "$CONF_DIR/ftps.key"
fi
if [ ! -s "$CONF_DIR/ssh_host_ed25519_key" ]; then
    ssh-keygen -q -t ed25519 -N '' -f "$CONF_DIR/ssh_host_ed25519_key"
fi

# --- configuration --------------------------------------------------------------------------
# Our own PAM service: plain Unix passwords, independent of the distribution's vsftpd policy.
cat >/etc/pam.d/bangtin-test-ftp <<'EOF'
auth     required pam_unix.so
account  required pam_unix.so
session  required pam_unix.so
EOF

vsftpd_conf() { # port, first passive port, last passive port, tls yes/no
    cat <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$1
background=YES
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
pam_service_name=bangtin-test-ftp
userlist_enable=NO
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$2
pasv_max_port=$3
utf8_filesystem=YES
# Containers often forbid the namespaces and seccomp filters vsftpd uses to sandbox itself.
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=/var/run/vsftpd/empty
max_clients=200
max_per_ip=100
delay_failed_login=0
xferlog_enable=YES
vsftpd_log_file=$LOG_DIR/vsftpd-$1.log
EOF
    if [ "$4" = yes ]; then
        cat <<EOF
ssl_enable=YES
allow_anon_ssl=NO
force_local_logins_ssl=YES
force_local_data_ssl=YES
ssl_tlsv1=YES
ssl_sslv2=NO
ssl_sslv3=NO
# Clients such as suppaftp/native-tls do not resume the control connection's TLS session.
require_ssl_reuse=NO
ssl_ciphers=HIGH
rsa_cert_file=$CONF_DIR/ftps.pem
rsa_private_key_file=$CONF_DIR/ftps.key
EOF
    fi
}
vsftpd_conf "$FTP_PORT" 30000 30099 no >"$CONF_DIR/vsftpd-ftp.conf"
vsftpd_conf "$FTPS_PORT" 30100 30199 yes >"$CONF_DIR/vsftpd-ftps.conf"

cat >"$CONF_DIR/sshd_config" <<EOF
Port $SFTP_PORT
ListenAddress 127.0.0.1
HostKey $CONF_DIR/ssh_host_ed25519_key
PidFile $STATE_DIR/sshd.pid
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $USER_NAME
StrictModes no
MaxStartups 100:30:200
MaxSessions 50
Subsystem sftp internal-sftp
EOF
/usr/sbin/sshd -t -f "$CONF_DIR/sshd_config"

# --- start ----------------------------------------------------------------------------------
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
    for _ in $(seq 1 50); do
        listening "$1" && return 0
        sleep 0.1
    done
    echo "deploy-servers.sh: nothing listens on 127.0.0.1:$1; see $LOG_DIR" >&2
    return 1
}

# Stops the daemon recorded in a pid file, only if that pid is still one of ours (a stale
# pid file may name an unrelated process by now).
stop_pidfile() {
    local f="$1" pid
    if [ -s "$f" ]; then
        pid="$(cat "$f")"
        if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q "$CONF_DIR/"; then
            kill "$pid" 2>/dev/null || true
            sleep 0.3
        fi
        rm -f "$f"
    fi
}

# vsftpd writes no pid file; with background=YES it forks, so record the pid of the listener.
start_vsftpd() { # name, port
    local name="$1" port="$2"
    [ "$restart" = 1 ] && stop_pidfile "$STATE_DIR/$name.pid"
    if listening "$port"; then
        log "$name already listening on 127.0.0.1:$port"
        return 0
    fi
    /usr/sbin/vsftpd "$CONF_DIR/vsftpd-$name.conf"
    wait_port "$port"
    # The listener is the vsftpd process whose command line names our config file.
    for p in /proc/[0-9]*; do
        if tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -q "^/usr/sbin/vsftpd $CONF_DIR/vsftpd-$name.conf"; then
            basename "$p" >"$STATE_DIR/$name.pid"
            break
        fi
    done
    log "$name started on 127.0.0.1:$port"
}

start_vsftpd ftp "$FTP_PORT"
start_vsftpd ftps "$FTPS_PORT"

[ "$restart" = 1 ] && stop_pidfile "$STATE_DIR/sshd.pid"
if listening "$SFTP_PORT"; then
    log "sshd already listening on 127.0.0.1:$SFTP_PORT"
else
    /usr/sbin/sshd -f "$CONF_DIR/sshd_config" -E "$LOG_DIR/sshd.log"
    wait_port "$SFTP_PORT"
    log "sshd (SFTP) started on 127.0.0.1:$SFTP_PORT"
fi

cat >"$ENV_FILE" <<EOF
BANGTIN_TEST_FTP=127.0.0.1:$FTP_PORT
BANGTIN_TEST_FTPS=127.0.0.1:$FTPS_PORT
BANGTIN_TEST_SFTP=127.0.0.1:$SFTP_PORT
BANGTIN_TEST_DEPLOY_USER=$USER_NAME
BANGTIN_TEST_DEPLOY_PASSWORD=$USER_PASSWORD
BANGTIN_TEST_DEPLOY_HOME=$USER_HOME
EOF
cat "$ENV_FILE"
