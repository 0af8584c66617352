// safebuild's own exit codes. They are kept apart from podman's (125–127 for
// podman's errors, and any code a failing RUN step returns, which
// `safebuild build` passes through unchanged).
#pragma once

namespace safebuild {

enum ExitCode : int {
  kExitPass = 0,        // clean: tagged, pushed, or nothing found
  kExitUsage = 64,      // bad safebuild arguments or configuration
  kExitBlocked = 65,    // findings reached --fail-on: not tagged, not pushed
  kExitIncomplete = 66, // the scan could not finish: fails closed
  kExitInternal = 70,   // safebuild itself failed
  kExitPodmanUsage = 125,  // what podman build would refuse, refused up front
};

}  // namespace safebuild
