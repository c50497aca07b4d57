// PosixEnv: Env::Default(), file I/O through POSIX calls. Every error names the path and strerror.
// Stateless apart from a counter for temp-file names, so it is thread-safe.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "storage/env.h"

namespace elanus::storage {
namespace {

Status ErrnoStatus(const std::string& what, const std::string& path, int err) {
  std::string msg = what + " " + path + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IOError(std::move(msg));
}

// Closes fd on scope exit unless released.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Status WriteAll(int fd, uint64_t offset, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return Status::OK();
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::IOError("append to closed file " + path_);
    ELANUS_RETURN_IF_ERROR(WriteAll(fd_, size_, data, path_));
    size_ += data.size();
    return Status::OK();
  }

  Status Sync() override {
    if (fd_ < 0) return Status::IOError("sync of closed file " + path_);
    if (::fdatasync(fd_) != 0) return ErrnoStatus("fdatasync", path_, errno);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) return ErrnoStatus("close", path_, errno);
    return Status::OK();
  }

  uint64_t Size() const override { return size_; }

 private:
  const std::string path_;
  int fd_;
  uint64_t size_;
};

class MmapRegion final : public ReadRegion {
 public:
  MmapRegion(void* addr, size_t size) : addr_(addr), size_(size) {}
  ~MmapRegion() override {
    if (addr_ != nullptr) ::munmap(addr_, size_);
  }
  std::string_view data() const override { return {static_cast<const char*>(addr_), size_}; }

 private:
  void* addr_;  // null for an empty file
  size_t size_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { ::close(fd_); }  // closing the descriptor releases the flock

 private:
  int fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        bool truncate) override {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    const int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return ErrnoStatus("stat", path, err);
    }
    return std::unique_ptr<WritableFile>(
        std::make_unique<PosixWritableFile>(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  Result<std::string> ReadFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    FdCloser closer(fd);
    std::string out;
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("read", path, errno);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  Result<std::unique_ptr<ReadRegion>> MapFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    FdCloser closer(fd);  // the mapping outlives the descriptor
    struct stat st;
    if (::fstat(fd, &st) != 0) return ErrnoStatus("stat", path, errno);
    const size_t size = static_cast<size_t>(st.st_size);
    if (size == 0) return std::unique_ptr<ReadRegion>(std::make_unique<MmapRegion>(nullptr, 0));
    void* addr = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (addr == MAP_FAILED) return ErrnoStatus("mmap", path, errno);
    return std::unique_ptr<ReadRegion>(std::make_unique<MmapRegion>(addr, size));
  }

  Status WriteFileAtomic(const std::string& path, std::string_view data) override {
    // '~' cannot occur in blob names, so directory listings can recognise leftover temp files.
    const std::string tmp = path + ".~tmp" + std::to_string(::getpid()) + "." +
                            std::to_string(tmp_counter_.fetch_add(1, std::memory_order_relaxed));
    Status st = WriteAndSync(tmp, data);
    if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
      st = ErrnoStatus("rename " + tmp + " to", path, errno);
    }
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return st;
    }
    return SyncDir(Parent(path));
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus("rename to " + to, from, errno);
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("unlink", path, errno);
    return Status::OK();
  }

  Status TruncateFile(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
      return ErrnoStatus("truncate", path, errno);
    }
    return Status::OK();
  }

  Status CreateDirs(const std::string& path) override {
    if (path.empty()) return Status::InvalidArgument("CreateDirs: empty path");
    // Create each ancestor in turn; EEXIST is fine as long as it is a directory.
    for (size_t pos = path.find('/', 1);; pos = path.find('/', pos + 1)) {
      const std::string prefix = path.substr(0, pos);
      if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
        return ErrnoStatus("mkdir", prefix, errno);
      }
      if (pos == std::string::npos) break;
    }
    if (!IsDirectory(path)) return Status::IOError("mkdir " + path + ": not a directory");
    return Status::OK();
  }

  Status SyncDir(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open directory", path, errno);
    FdCloser closer(fd);
    if (::fsync(fd) != 0) return ErrnoStatus("fsync directory", path, errno);
    return Status::OK();
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return ErrnoStatus("opendir", path, errno);
    std::vector<std::string> names;
    errno = 0;
    while (const struct dirent* e = ::readdir(dir)) {
      const std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    const int err = errno;
    ::closedir(dir);
    if (err != 0) return ErrnoStatus("readdir", path, err);
    return names;
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  bool IsDirectory(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  Result<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("open lock file", path, errno);
    FdCloser closer(fd);
    // flock locks belong to the open file description, so a second open in this same process
    // conflicts too, and a forked child does not inherit the right to reacquire it.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK) return ErrnoStatus("flock", path, errno);
      const long pid = HolderPid(fd);
      if (pid == ::getpid()) {
        return Status::FailedPrecondition(path + " is locked (already open in this process, pid " +
                                          std::to_string(pid) + ")");
      }
      std::string msg = path + " is locked by another process";
      if (pid > 0) msg += " (pid " + std::to_string(pid) + ")";
      return Status::FailedPrecondition(std::move(msg));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0) return ErrnoStatus("truncate lock file", path, errno);
    ELANUS_RETURN_IF_ERROR(WriteAll(fd, 0, pid, path));
    return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(closer.release()));
  }

 private:
  static std::string Parent(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
  }

  // The holder's pid from the lock file's contents, or 0 if unreadable.
  static long HolderPid(int fd) {
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    if (n <= 0) return 0;
    return std::max(0L, std::strtol(buf, nullptr, 10));
  }

  Status WriteAndSync(const std::string& path, std::string_view data) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    FdCloser closer(fd);
    ELANUS_RETURN_IF_ERROR(WriteAll(fd, 0, data, path));
    if (::fsync(fd) != 0) return ErrnoStatus("fsync", path, errno);
    if (::close(closer.release()) != 0) return ErrnoStatus("close", path, errno);
    return Status::OK();
  }

  std::atomic<uint64_t> tmp_counter_{0};
};

}  // namespace

Env* Env::Default() {
  static PosixEnv env;  // stateless apart from an atomic counter; lives for the process
  return &env;
}

}  // namespace elanus::storage
