#include "model/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "model/model.h"

namespace resvk::model {
namespace {

const char* kindOf(mode_t mode) {
    if (S_ISDIR(mode)) return "is a folder, not a file";
    if (S_ISFIFO(mode)) return "is a FIFO (named pipe), not a regular file";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not a regular file";
    if (S_ISSOCK(mode)) return "is a socket, not a regular file";
    return "is not a regular file";
}

}  // namespace

RegularFile::RegularFile(const std::string& path, const std::string& what) : what_(what) {
    // O_NONBLOCK: opening a FIFO with no writer must not wait for one (regular
    // files ignore the flag); the type is then checked on the open descriptor.
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) {
        const int err = errno;
        struct stat st {};
        if (err == ENOENT || err == ENOTDIR) throw Error(what + ": not found");
        if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) throw Error(what + ": " + kindOf(st.st_mode));
        throw Error(what + ": cannot open (" + std::strerror(err) + ")");
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        const mode_t mode = st.st_mode;
        ::close(fd_);
        fd_ = -1;
        throw Error(what + ": " + kindOf(mode));
    }
    size_ = static_cast<int64_t>(st.st_size);
}

RegularFile::~RegularFile() {
    if (fd_ >= 0) ::close(fd_);
}

std::string RegularFile::read(int64_t offset, int64_t length) const {
    if (offset < 0 || length < 0 || offset > size_ || length > size_ - offset)
        throw Error(what_ + ": bytes " + std::to_string(offset) + " to " + std::to_string(offset) + "+" +
                    std::to_string(length) + " lie outside the file (" + std::to_string(size_) + " bytes)");
    std::string bytes(static_cast<size_t>(length), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pread(fd_, bytes.data() + done, bytes.size() - done, offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(what_ + ": read failed (" + std::strerror(errno) + ")");
        if (n == 0) throw Error(what_ + ": the file shrank while being read");
        done += static_cast<size_t>(n);
    }
    return bytes;
}

}  // namespace resvk::model
