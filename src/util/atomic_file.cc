#include "util/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace safebuild {

Expected<std::string> WriteBeside(const std::filesystem::path& target, const std::string& text,
                                  mode_t mode) {
  std::filesystem::path parent =
      target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  std::string templ = (parent / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(templ.data());
  if (fd < 0) return Fail("cannot create a file beside " + target.string());
  bool ok = ::fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    ok = n > 0;
    done += ok ? static_cast<size_t>(n) : 0;
  }
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(templ.c_str());
    return Fail("cannot write " + target.string());
  }
  return templ;
}

Status ReplaceFile(const std::filesystem::path& target, const std::string& text,
                   mode_t mode) {
  auto temp = WriteBeside(target, text, mode);
  if (!temp) return Fail(temp.error());
  if (::rename(temp->c_str(), target.c_str()) != 0) {
    ::unlink(temp->c_str());
    return Fail("cannot write " + target.string());
  }
  return Ok{};
}

}  // namespace safebuild
