# safebuild.mk: build, lint, scan and push a container image through
# safebuild, so that an image carrying a secret is never tagged or pushed.
#
# Include it from a Makefile, after setting IMAGE:
#
#   IMAGE := localhost/app:1
#   PODMAN_FLAGS := --secret id=npmrc,src=$(HOME)/.npmrc
#   include /usr/share/safebuild/templates/safebuild.mk
#
# or use it directly: make -f safebuild.mk image IMAGE=localhost/app:1
#
# Variables (each may also be given on the make command line):
#   IMAGE            the image to build, scan and push (required)
#   TAGS             more tags for the same image
#   CONTAINERFILE    the Containerfile                      [Containerfile]
#   CONTEXT          the build context                      [.]
#   PODMAN_FLAGS     more `podman build` flags: --secret, --build-arg, ...
#   PODMAN_STORAGE_FLAGS  podman's storage flags for every target:
#                    --root, --runroot, --storage-driver, --storage-opt
#   PUSH_DESTINATION where `push` sends IMAGE (default: IMAGE's own name)
#   SAFEBUILD        the safebuild command                  [safebuild]
#   SAFEBUILD_FLAGS  safebuild's own options: --fail-on medium,
#                    --report safebuild.json, --format json, ...
#
# Targets:
#   image  lint, build with podman, scan, and tag IMAGE and TAGS only if clean
#   lint   lint CONTAINERFILE and CONTEXT, without building
#   scan   scan IMAGE as it is in local storage
#   push   scan IMAGE, then push it only if clean
#
# Exit codes are safebuild's: 65 when findings block, 66 when the scan could
# not finish, podman's own when the build or push failed.

# Targets defined here do not become the including Makefile's default goal.
safebuild_default_goal := $(.DEFAULT_GOAL)

CONTAINERFILE ?= Containerfile
CONTEXT ?= .
SAFEBUILD ?= safebuild
TAGS ?=
PODMAN_FLAGS ?=
PODMAN_STORAGE_FLAGS ?=
PUSH_DESTINATION ?=
SAFEBUILD_FLAGS ?=

safebuild_need_image = $(if $(strip $(IMAGE)),,$(error safebuild.mk: set IMAGE, \
  e.g. make $@ IMAGE=localhost/app:1))

.PHONY: image lint scan push

image:
	$(safebuild_need_image)$(strip $(SAFEBUILD) $(SAFEBUILD_FLAGS) build \
	  $(PODMAN_STORAGE_FLAGS) -f $(CONTAINERFILE) $(PODMAN_FLAGS) \
	  $(addprefix -t ,$(IMAGE) $(TAGS)) $(CONTEXT))

lint:
	$(strip $(SAFEBUILD) $(SAFEBUILD_FLAGS) lint -f $(CONTAINERFILE) $(CONTEXT))

scan:
	$(safebuild_need_image)$(strip $(SAFEBUILD) $(SAFEBUILD_FLAGS) scan \
	  $(PODMAN_STORAGE_FLAGS) $(IMAGE))

push:
	$(safebuild_need_image)$(strip $(SAFEBUILD) $(SAFEBUILD_FLAGS) push \
	  $(PODMAN_STORAGE_FLAGS) $(IMAGE) $(PUSH_DESTINATION))

.DEFAULT_GOAL := $(safebuild_default_goal)
