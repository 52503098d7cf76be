// The factories of a build without a platform backend.
#include "input/clipboard.hpp"
#include "input/input_injector.hpp"
#include "input/local_input_monitor.hpp"

namespace visit::input {

std::unique_ptr<input_injector> make_input_injector(const std::string&, injection_ledger*,
                                                    std::string& error) {
  error = "built without an input backend";
  return nullptr;
}

std::unique_ptr<local_input_monitor> make_local_input_monitor(const std::string&, injection_ledger&,
                                                              local_input_monitor::callback,
                                                              std::string& error, monitor_options) {
  error = "built without an input backend";
  return nullptr;
}

std::unique_ptr<clipboard> make_clipboard(const std::string&, clipboard::callback,
                                          std::string& error) {
  error = "built without a clipboard backend";
  return nullptr;
}

}  // namespace visit::input
