# fish completion for safebuild(1).
#
# Completes safebuild's commands and options with their values, files for
# --report and -f, directories for a build context, local image names for
# scan and push (from `podman images`, only when podman is installed), and
# after `build` and `push` podman's own flags, embedded below (see
# update-podman-flags), so that completing never runs `podman --help`.

# Prints the command (build, scan, …) on the command line so far; fails
# when there is none yet. safebuild's value options are skipped with
# their values.
function __safebuild_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case --format --report --config --fail-on --color --podman --baseline --rewrite
                set skip 1
            case '-*'
            case '*'
                echo $t
                return 0
        end
    end
    return 1
end

function __safebuild_using
    test "$(__safebuild_command)" = "$argv[1]"
end

function __safebuild_needs_command
    not __safebuild_command >/dev/null
end

# safebuild's own options stand before the command, or after scan, lint,
# baseline and fix.
function __safebuild_common_ok
    set -l cmd (__safebuild_command)
    or return 0
    contains -- $cmd scan lint baseline fix
end

function __safebuild_images
    set -l podman podman
    set -q SAFEBUILD_PODMAN[1]; and set podman $SAFEBUILD_PODMAN
    command -q $podman; or return 0
    $podman images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | string match -v -- '*<none>*'
end

# An image for scan: a local name, or a transport and its path.
function __safebuild_image_ref
    set -l tok (commandline -ct)
    switch $tok
        case 'oci:*'
            set -l path (string replace -r '^oci:' '' -- $tok)
            for d in $path*/
                echo oci:$d
            end
        case 'oci-archive:*' 'docker-archive:*'
            set -l transport (string replace -r ':.*' ':' -- $tok)
            set -l path (string replace -r '^[^:]*:' '' -- $tok)
            for f in $path*
                test -d $f; and set f $f/
                echo $transport$f
            end
        case '*'
            __safebuild_images
            printf '%s\tTransport\n' oci: oci-archive: docker-archive:
    end
end

# Files are offered only where a file is meant.
complete -c safebuild -f

set -l first __safebuild_needs_command
complete -c safebuild -n $first -a build -d 'lint, build with podman, scan, then tag if clean'
complete -c safebuild -n $first -a scan -d 'scan an image for secrets'
complete -c safebuild -n $first -a lint -d 'lint a Containerfile and its build context'
complete -c safebuild -n $first -a push -d 'scan, then push only if clean'
complete -c safebuild -n $first -a baseline -d 'write the findings of an image as a baseline'
complete -c safebuild -n $first -a parse -d 'print the parsed Containerfile as JSON'
complete -c safebuild -n $first -a fix -d 'rewrite secrets into build secrets'
complete -c safebuild -n $first -a init -d 'copy the fitting templates into a project'
complete -c safebuild -n $first -a version -d 'print the version'
complete -c safebuild -n $first -l version -d 'show the version'

set -l common __safebuild_common_ok
complete -c safebuild -n $common -l format -x -a 'text json sarif' -d 'report format'
complete -c safebuild -n $common -l report -r -F -d 'also write the JSON report to FILE'
complete -c safebuild -n $common -l config -r -F -d 'policy file'
complete -c safebuild -n $common -l baseline -r -F -d 'report only findings not in FILE'
complete -c safebuild -n $common -l rewrite -x -a 'off suggest apply' \
    -d 'build: rewrite secret inputs'
complete -c safebuild -n $common -l fail-on -x -a 'info low medium high critical' \
    -d 'lowest severity that blocks'
complete -c safebuild -n $common -l keep-failed -d 'keep a blocked image in storage, untagged'
complete -c safebuild -n $common -l fail-on-skipped \
    -d 'anything the scan did not read in full blocks too'
complete -c safebuild -n $common -l prune-intermediate \
    -d "build: remove the other build stages' images afterwards"
complete -c safebuild -n $common -l color -x -a 'auto always never' -d 'when to use colour'
complete -c safebuild -n $common -l podman -r -F -d 'the podman binary to run'
complete -c safebuild -n $common -s q -l quiet -d 'only errors and findings'
complete -c safebuild -n $common -s v -l verbose -d 'more detail'
complete -c safebuild -n $common -s h -l help -d 'show help'

set -l scan '__safebuild_using scan'
set -l dirs '(__fish_complete_directories)'
complete -c safebuild -n $scan -l root -x -a $dirs -d 'podman storage root'
complete -c safebuild -n $scan -l runroot -x -a $dirs -d 'podman run root'
complete -c safebuild -n $scan -l storage-driver -x -a 'overlay vfs btrfs zfs' \
    -d 'podman storage driver'
complete -c safebuild -n $scan -l storage-opt -x -d 'podman storage option'
# An image, unless an option is being typed.
function __safebuild_scan_image
    contains -- "$(__safebuild_command)" scan baseline
    and not string match -q -- '-*' (commandline -ct)
end
complete -c safebuild -n __safebuild_scan_image -a '(__safebuild_image_ref)'

set -l lint '__safebuild_using lint'
complete -c safebuild -n $lint -s f -l file -r -F -d 'the Containerfile to lint'
complete -c safebuild -n $lint -l build-arg -x -d 'a build argument, NAME=VALUE'
complete -c safebuild -n $lint -l ignorefile -r -F -d 'an alternate .containerignore'
complete -c safebuild -n $lint -a $dirs

complete -c safebuild -n '__safebuild_using build' -a $dirs

set -l fix '__safebuild_using fix'
complete -c safebuild -n $fix -s f -l file -r -F -d 'the Containerfile to rewrite'
complete -c safebuild -n $fix -l build-arg -x -d 'a build argument, NAME=VALUE'
complete -c safebuild -n $fix -l diff -d 'print a unified diff'
complete -c safebuild -n $fix -l write -d 'replace the file, keeping FILE.bak'
complete -c safebuild -n $fix -l target-version -x -d 'the podman version to write for'
complete -c safebuild -n $fix -l artifact -x -d 'a path the image copies from the build stage'
complete -c safebuild -n $fix -a $dirs

set -l parse '__safebuild_using parse'
complete -c safebuild -n $parse -s f -l file -r -F -d 'the Containerfile to parse'
complete -c safebuild -n $parse -s h -l help -d 'show help'
complete -c safebuild -n $parse -a $dirs

set -l init '__safebuild_using init'
complete -c safebuild -n $init -l stack -x -a 'node python go maven' -d 'the project stack'
complete -c safebuild -n $init -l ci -x -a 'github gitlab tekton' -d 'also copy a CI file'
complete -c safebuild -n $init -s h -l help -d 'show help'
complete -c safebuild -n $init -a $dirs
complete -c safebuild -n '__safebuild_using push' -a '(__safebuild_images)'

# BEGIN podman flags: made by update-podman-flags from podman version 4.3.1
set -l build '__safebuild_using build'
complete -c safebuild -n $build -l add-host -x -d 'add a custom host-to-IP mapping (host:ip)'
complete -c safebuild -n $build -l all-platforms -d 'attempt to build for all base image platforms'
complete -c safebuild -n $build -l annotation -x -d 'set metadata for an image'
complete -c safebuild -n $build -l arch -x -d 'set the ARCH of the image to the provided value...'
complete -c safebuild -n $build -l authfile -r -F -d 'path of the authentication file'
complete -c safebuild -n $build -l build-arg -x -d 'argument=value to supply to the builder'
complete -c safebuild -n $build -l build-context -x \
    -d 'argument=value to supply additional build conte...'
complete -c safebuild -n $build -l cache-from -x \
    -d 'remote repository to utilise as potential cache...'
complete -c safebuild -n $build -l cache-to -x \
    -d 'remote repository to utilise as potential cache...'
complete -c safebuild -n $build -l cache-ttl -x \
    -d 'only consider cache images under specified dura...'
complete -c safebuild -n $build -l cap-add -x -d 'add the specified capability when running'
complete -c safebuild -n $build -l cap-drop -x -d 'drop the specified capability when running'
complete -c safebuild -n $build -l cert-dir -x -a '(__fish_complete_directories)' \
    -d 'use certificates at the specified path to acces...'
complete -c safebuild -n $build -l cgroup-parent -x -d 'optional parent cgroup for the container'
complete -c safebuild -n $build -l cgroupns -x -a 'host private' -d '\'private\', or \'host\''
complete -c safebuild -n $build -l compress -d 'this is a legacy option, which has no effect on...'
complete -c safebuild -n $build -l cpp-flag -x \
    -d 'set additional flag to pass to C preprocessor (...'
complete -c safebuild -n $build -l cpu-period -x \
    -d 'limit the CPU CFS (Completely Fair Scheduler) p...'
complete -c safebuild -n $build -l cpu-quota -x \
    -d 'limit the CPU CFS (Completely Fair Scheduler) q...'
complete -c safebuild -n $build -s c -l cpu-shares -x -d 'CPU shares (relative weight)'
complete -c safebuild -n $build -l cpuset-cpus -x -d 'CPUs in which to allow execution (0-3, 0,1)'
complete -c safebuild -n $build -l cpuset-mems -x \
    -d 'memory nodes (MEMs) in which to allow execution...'
complete -c safebuild -n $build -l creds -x -d 'use [username[:password]] for accessing the reg...'
complete -c safebuild -n $build -l decryption-key -r -F -d 'key needed to decrypt the image'
complete -c safebuild -n $build -l device -x -d 'additional devices to be used within containers'
complete -c safebuild -n $build -s D -l disable-compression -d 'don\'t compress layers by default'
complete -c safebuild -n $build -l disable-content-trust \
    -d 'this is a Docker specific option and is a NOOP'
complete -c safebuild -n $build -l dns -x -d 'set custom DNS servers or disable it completely...'
complete -c safebuild -n $build -l dns-option -x -d 'set custom DNS options'
complete -c safebuild -n $build -l dns-search -x -d 'set custom DNS search domains'
complete -c safebuild -n $build -l env -x -d 'set environment variable for the image'
complete -c safebuild -n $build -s f -l file -r -F -d 'pathname or URL of a Dockerfile'
complete -c safebuild -n $build -l force-rm -d 'always remove intermediate containers after a b...'
complete -c safebuild -n $build -l format -x -a 'oci docker' \
    -d 'format of the built image\'s manifest and metadata'
complete -c safebuild -n $build -l from -x -d 'image name used to replace the value in the fir...'
complete -c safebuild -n $build -l hooks-dir -x -a '(__fish_complete_directories)' \
    -d 'set the OCI hooks directory path (may be set mu...'
complete -c safebuild -n $build -l http-proxy -d 'pass through HTTP Proxy environment variables'
complete -c safebuild -n $build -l identity-label -d 'add default identity label'
complete -c safebuild -n $build -l ignorefile -r -F -d 'path to an alternate .dockerignore file'
complete -c safebuild -n $build -l iidfile -r -F -d 'file to write the image ID to'
complete -c safebuild -n $build -l ipc -x -a 'host private' \
    -d '\'private\', path of IPC namespace to join, or \'h...'
complete -c safebuild -n $build -l isolation -x -a 'oci chroot rootless' \
    -d 'type of process isolation to use'
complete -c safebuild -n $build -l jobs -x -d 'how many stages to run in parallel'
complete -c safebuild -n $build -l label -x -d 'set metadata for an image'
complete -c safebuild -n $build -l layers -d 'cache intermediate layers during build'
complete -c safebuild -n $build -l logfile -r -F -d 'log to file instead of stdout/stderr'
complete -c safebuild -n $build -l logsplit -d 'split logfile to different files for each platform'
complete -c safebuild -n $build -l manifest -x -d 'add the image to the specified manifest list'
complete -c safebuild -n $build -s m -l memory -x \
    -d 'memory limit (format: <number>[<unit>], where u...'
complete -c safebuild -n $build -l memory-swap -x \
    -d 'swap limit equal to memory plus swap: \'-1\' to e...'
complete -c safebuild -n $build -l network -x -a 'host none private' \
    -d '\'private\', \'none\', \'ns:path\' of network namespa...'
complete -c safebuild -n $build -l no-cache -d 'do not use existing cached images for the conta...'
complete -c safebuild -n $build -l no-hosts -d 'do not create new /etc/hosts files for RUN inst...'
complete -c safebuild -n $build -l omit-history -d 'omit build history information from built image'
complete -c safebuild -n $build -l os -x -d 'set the OS to the provided value instead of the...'
complete -c safebuild -n $build -l os-feature -x \
    -d 'set required OS feature for the target image in...'
complete -c safebuild -n $build -l os-version -x \
    -d 'set required OS version for the target image in...'
complete -c safebuild -n $build -s o -l output -x \
    -d 'output destination (format: type=local,dest=path)'
complete -c safebuild -n $build -l pid -x -a 'host private' \
    -d 'private, path of PID namespace to join, or \'host\''
complete -c safebuild -n $build -l platform -x \
    -d 'set the OS/ARCH/VARIANT of the image to the pro...'
complete -c safebuild -n $build -l pull -d 'Always attempt to pull the image (errors are fa...'
complete -c safebuild -n $build -s q -l quiet -d 'refrain from announcing build instructions and...'
complete -c safebuild -n $build -l retry -x -d 'number of times to retry in case of failure whe...'
complete -c safebuild -n $build -l retry-delay -x \
    -d 'delay between retries in case of push/pull fail...'
complete -c safebuild -n $build -l rm -d 'remove intermediate containers after a successf...'
complete -c safebuild -n $build -l runtime-flag -x -d 'add global flags for the container runtime'
complete -c safebuild -n $build -l secret -x -d 'secret file to expose to the build'
complete -c safebuild -n $build -l security-opt -x -d 'security options'
complete -c safebuild -n $build -l shm-size -x \
    -d 'size of \'/dev/shm\'. The format is <number><unit>'
complete -c safebuild -n $build -l sign-by -x \
    -d 'sign the image using a GPG key with the specifi...'
complete -c safebuild -n $build -l skip-unused-stages \
    -d 'skips stages in multi-stage builds which do not...'
complete -c safebuild -n $build -l squash -d 'squash newly built layers into a single new layer'
complete -c safebuild -n $build -l squash-all -d 'Squash all layers into a single layer'
complete -c safebuild -n $build -l ssh -x -d 'SSH agent socket or keys to expose to the build'
complete -c safebuild -n $build -l stdin -d 'pass stdin into containers'
complete -c safebuild -n $build -s t -l tag -x -d 'tagged name to apply to the built image'
complete -c safebuild -n $build -l target -x -d 'set the target build stage to build'
complete -c safebuild -n $build -l timestamp -x \
    -d 'set created timestamp to the specified epoch se...'
complete -c safebuild -n $build -l tls-verify \
    -d 'require HTTPS and verify certificates when acce...'
complete -c safebuild -n $build -l ulimit -x -d 'ulimit options'
complete -c safebuild -n $build -l unsetenv -x -d 'unset environment variable from final image'
complete -c safebuild -n $build -l userns -x -a 'auto container host' \
    -d '\'container\', path of user namespace to join, or...'
complete -c safebuild -n $build -l userns-gid-map -x \
    -d 'containerGID:hostGID:length GID mapping to use...'
complete -c safebuild -n $build -l userns-gid-map-group -x \
    -d 'name of entries from /etc/subgid to use to set...'
complete -c safebuild -n $build -l userns-uid-map -x \
    -d 'containerUID:hostUID:length UID mapping to use...'
complete -c safebuild -n $build -l userns-uid-map-user -x \
    -d 'name of entries from /etc/subuid to use to set...'
complete -c safebuild -n $build -l uts -x -a 'host private' \
    -d 'private, :path of UTS namespace to join, or \'host\''
complete -c safebuild -n $build -l variant -x -d 'override the variant of the specified image'
complete -c safebuild -n $build -s v -l volume -x -d 'bind mount a volume into the container'
complete -c safebuild -n $build -l cgroup-manager -x -a 'cgroupfs systemd' \
    -d 'Cgroup manager to use ("cgroupfs"|"systemd")'
complete -c safebuild -n $build -l conmon -r -F -d 'Path of the conmon binary'
complete -c safebuild -n $build -l connection -x -d 'Connection to use for remote Podman service'
complete -c safebuild -n $build -l events-backend -x -a 'file journald none' \
    -d 'Events backend to use ("file"|"journald"|"none")'
complete -c safebuild -n $build -l identity -r -F -d 'path to SSH identity file, (CONTAINER_SSHKEY)'
complete -c safebuild -n $build -l log-level -x -a 'trace debug info warn error fatal panic' \
    -d 'Log messages above specified level (trace, debu...'
complete -c safebuild -n $build -l namespace -x \
    -d 'Set the libpod namespace, used to create separa...'
complete -c safebuild -n $build -l network-cmd-path -r -F \
    -d 'Path to the command for configuring the network'
complete -c safebuild -n $build -l network-config-dir -x -a '(__fish_complete_directories)' \
    -d 'Path of the configuration directory for networks'
complete -c safebuild -n $build -l noout -d 'do not output to stdout'
complete -c safebuild -n $build -l remote -d 'Access remote Podman service'
complete -c safebuild -n $build -l root -x -a '(__fish_complete_directories)' \
    -d 'Path to the root directory in which data, inclu...'
complete -c safebuild -n $build -l runroot -x -a '(__fish_complete_directories)' \
    -d 'Path to the \'run directory\' where all state inf...'
complete -c safebuild -n $build -l runtime -x -a 'crun runc' \
    -d 'Path to the OCI-compatible binary used to run c...'
complete -c safebuild -n $build -l storage-driver -x -a 'overlay vfs btrfs zfs' \
    -d 'Select which storage driver is used to manage s...'
complete -c safebuild -n $build -l storage-opt -x -d 'Used to pass an option to the storage driver'
complete -c safebuild -n $build -l syslog -d 'Output logging information to syslog as well as...'
complete -c safebuild -n $build -l tmpdir -x -a '(__fish_complete_directories)' \
    -d 'Path to the tmp directory for libpod state content'
complete -c safebuild -n $build -l url -x -d 'URL to access Podman service (CONTAINER_HOST)'
complete -c safebuild -n $build -l volumepath -x -a '(__fish_complete_directories)' \
    -d 'Path to the volume directory in which volume da...'
set -l push '__safebuild_using push'
complete -c safebuild -n $push -l authfile -r -F -d 'Path of the authentication file'
complete -c safebuild -n $push -l cert-dir -x -a '(__fish_complete_directories)' \
    -d 'Path to a directory containing TLS certificates...'
complete -c safebuild -n $push -l compress -d 'Compress tarball image layers when pushing to a...'
complete -c safebuild -n $push -l compression-format -x -a 'gzip zstd zstd:chunked' \
    -d 'compression format to use'
complete -c safebuild -n $push -l creds -x -d 'Credentials (USERNAME:PASSWORD) to use for auth...'
complete -c safebuild -n $push -l digestfile -r -F \
    -d 'Write the digest of the pushed image to the spe...'
complete -c safebuild -n $push -l disable-content-trust \
    -d 'This is a Docker specific option and is a NOOP'
complete -c safebuild -n $push -s f -l format -x -a 'oci v2s2 v2s1' \
    -d 'Manifest type (oci, v2s2, or v2s1) to use in th...'
complete -c safebuild -n $push -s q -l quiet -d 'Suppress output information when pushing images'
complete -c safebuild -n $push -l remove-signatures \
    -d 'Discard any pre-existing signatures in the image'
complete -c safebuild -n $push -l sign-by -x -d 'Add a signature at the destination using the sp...'
complete -c safebuild -n $push -l sign-by-sigstore-private-key -r -F \
    -d 'Sign the image using a sigstore private key at...'
complete -c safebuild -n $push -l sign-passphrase-file -r -F \
    -d 'Read a passphrase for signing an image from PATH'
complete -c safebuild -n $push -l tls-verify -d 'Require HTTPS and verify certificates when cont...'
complete -c safebuild -n $push -l cgroup-manager -x -a 'cgroupfs systemd' \
    -d 'Cgroup manager to use ("cgroupfs"|"systemd")'
complete -c safebuild -n $push -l conmon -r -F -d 'Path of the conmon binary'
complete -c safebuild -n $push -l connection -x -d 'Connection to use for remote Podman service'
complete -c safebuild -n $push -l events-backend -x -a 'file journald none' \
    -d 'Events backend to use ("file"|"journald"|"none")'
complete -c safebuild -n $push -l hooks-dir -x -a '(__fish_complete_directories)' \
    -d 'Set the OCI hooks directory path (may be set mu...'
complete -c safebuild -n $push -l identity -r -F -d 'path to SSH identity file, (CONTAINER_SSHKEY)'
complete -c safebuild -n $push -l log-level -x -a 'trace debug info warn error fatal panic' \
    -d 'Log messages above specified level (trace, debu...'
complete -c safebuild -n $push -l namespace -x \
    -d 'Set the libpod namespace, used to create separa...'
complete -c safebuild -n $push -l network-cmd-path -r -F \
    -d 'Path to the command for configuring the network'
complete -c safebuild -n $push -l network-config-dir -x -a '(__fish_complete_directories)' \
    -d 'Path of the configuration directory for networks'
complete -c safebuild -n $push -l noout -d 'do not output to stdout'
complete -c safebuild -n $push -l remote -d 'Access remote Podman service'
complete -c safebuild -n $push -l root -x -a '(__fish_complete_directories)' \
    -d 'Path to the root directory in which data, inclu...'
complete -c safebuild -n $push -l runroot -x -a '(__fish_complete_directories)' \
    -d 'Path to the \'run directory\' where all state inf...'
complete -c safebuild -n $push -l runtime -x -a 'crun runc' \
    -d 'Path to the OCI-compatible binary used to run c...'
complete -c safebuild -n $push -l runtime-flag -x -d 'add global flags for the container runtime'
complete -c safebuild -n $push -l storage-driver -x -a 'overlay vfs btrfs zfs' \
    -d 'Select which storage driver is used to manage s...'
complete -c safebuild -n $push -l storage-opt -x -d 'Used to pass an option to the storage driver'
complete -c safebuild -n $push -l syslog -d 'Output logging information to syslog as well as...'
complete -c safebuild -n $push -l tmpdir -x -a '(__fish_complete_directories)' \
    -d 'Path to the tmp directory for libpod state content'
complete -c safebuild -n $push -l url -x -d 'URL to access Podman service (CONTAINER_HOST)'
complete -c safebuild -n $push -l volumepath -x -a '(__fish_complete_directories)' \
    -d 'Path to the volume directory in which volume da...'
# END podman flags
