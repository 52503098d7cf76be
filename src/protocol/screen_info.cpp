#include "protocol/screen_info.hpp"

#include <boost/json.hpp>

#include "protocol/message.hpp"

namespace visit::protocol {

namespace json = boost::json;

namespace {

std::optional<std::int64_t> int_member(const json::object& o, std::string_view key) {
  const auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64() && it->value().as_uint64() <= INT64_MAX) {
    return static_cast<std::int64_t>(it->value().as_uint64());
  }
  return std::nullopt;
}

std::optional<std::string_view> string_member(const json::object& o, std::string_view key) {
  const auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  const json::string& s = it->value().as_string();
  return std::string_view(s.data(), s.size());
}

std::optional<screen_scope> parse_scope(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  const auto kind = string_member(o, "kind");
  if (!kind) return std::nullopt;
  screen_scope out;
  if (*kind == "desktop") return out;
  if (*kind != "window") return std::nullopt;
  out.kind = scope_kind::window;
  const auto title = string_member(o, "title");
  const auto state = string_member(o, "state");
  if (!title || !state || title->size() > max_scope_title_bytes || !is_valid_utf8(*title)) {
    return std::nullopt;
  }
  out.title = std::string(*title);
  if (*state == "visible") {
    out.state = window_state::visible;
  } else if (*state == "minimised") {
    out.state = window_state::minimised;
  } else if (*state == "closed") {
    out.state = window_state::closed;
  } else {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::string_view to_string(window_state s) {
  switch (s) {
    case window_state::visible:
      return "visible";
    case window_state::minimised:
      return "minimised";
    case window_state::closed:
      return "closed";
  }
  return "closed";
}

boost::system::result<screen_info> parse_screen_info(std::span<const std::uint8_t> payload) {
  const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  boost::system::error_code ec;
  json::parse_options opt;
  opt.max_depth = 32;
  const json::value v = json::parse(text, ec, {}, opt);
  if (ec || !v.is_object()) return make_error_code(parse_error::bad_json);
  const json::object& o = v.as_object();
  const auto w = int_member(o, "width");
  const auto h = int_member(o, "height");
  const auto cell = int_member(o, "cell");
  if (!w || !h || !cell || *cell != cell_size || *w < 1 || *w > max_screen_dimension || *h < 1 ||
      *h > max_screen_dimension) {
    return make_error_code(parse_error::bad_value);
  }
  screen_info out{static_cast<int>(*w), static_cast<int>(*h), std::nullopt};
  if (const auto it = o.find("monitors"); it != o.end()) {
    const auto bad = make_error_code(parse_error::bad_value);
    if (!it->value().is_array()) return bad;
    const auto& list = it->value().as_array();
    if (list.size() > max_monitors) return bad;
    for (const auto& item : list) {
      if (!item.is_object()) return bad;
      const auto& m = item.as_object();
      const auto x = int_member(m, "x");
      const auto y = int_member(m, "y");
      const auto mw = int_member(m, "width");
      const auto mh = int_member(m, "height");
      if (!x || !y || !mw || !mh || *x < 0 || *y < 0 || *mw < 1 || *mh < 1 ||
          *x + *mw > out.width || *y + *mh > out.height) {
        return bad;
      }
      bool primary = false;
      if (const auto p = m.find("primary"); p != m.end()) {
        if (!p->value().is_bool()) return bad;
        primary = p->value().as_bool();
      }
      out.monitors.push_back({static_cast<int>(*x), static_cast<int>(*y), static_cast<int>(*mw),
                              static_cast<int>(*mh), primary});
    }
  }
  if (const auto it = o.find("scope"); it != o.end()) {
    out.scope = parse_scope(it->value());
    if (!out.scope) return make_error_code(parse_error::bad_value);
  }
  return out;
}

std::string screen_info_json(const screen_info& info) {
  json::object o;
  o["width"] = info.width;
  o["height"] = info.height;
  o["cell"] = cell_size;
  if (!info.monitors.empty()) {
    json::array list;
    for (const auto& m : info.monitors) {
      json::object mo;
      mo["x"] = m.x;
      mo["y"] = m.y;
      mo["width"] = m.width;
      mo["height"] = m.height;
      mo["primary"] = m.primary;
      list.push_back(std::move(mo));
    }
    o["monitors"] = std::move(list);
  }
  if (info.scope) {
    json::object s;
    if (info.scope->kind == scope_kind::desktop) {
      s["kind"] = "desktop";
    } else {
      s["kind"] = "window";
      s["title"] = info.scope->title;
      s["state"] = to_string(info.scope->state);
    }
    o["scope"] = std::move(s);
  }
  return json::serialize(o);
}

std::string bounded_title(std::string_view text, std::size_t max) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xe  ? 3
                      : (c >> 3) == 0x1e ? 4
                                         : 0;
    std::string_view ch;
    if (len != 0 && i + len <= text.size() && is_valid_utf8(text.substr(i, len))) {
      ch = text.substr(i, len);
    } else {
      len = 1;
      ch = "?";
    }
    if (ch.size() == 1 && (static_cast<unsigned char>(ch[0]) < 0x20 || ch[0] == 0x7f)) ch = " ";
    if (out.size() + ch.size() > max) break;
    out.append(ch);
    i += len;
  }
  return out;
}

}  // namespace visit::protocol
