<?php
// Generates php-filter-url.json: what PHP's filter_var($url, FILTER_VALIDATE_URL) and
// parse_url($url, PHP_URL_HOST) answer for URLs built around the characters and shapes that
// decide the outcome. Appwrite 1.9.6's `URL` validator is exactly that filter plus a scheme list.
// Regenerate (once, on purpose; the output is committed):
//   php test/emulator/vectors/php-filter-url.php > test/emulator/vectors/php-filter-url.json
$urls = [
    "https://hooks.example.com/hook", "http://hooks.example.com", "https://例え.jp/hook",
    "https://xn--r8jz45g.jp/hook", "https://hooks.example.com/a b", "https://hooks.example.com/a\tb",
    "https://hooks.example.com/é", "https://hooks.example.com/\u{7f}", "https://hooks.example.com/\0",
    "HTTPS://hooks.example.com/", "Https://hooks.example.com/", "ftp://hooks.example.com/",
    "https:hooks.example.com/", "https:/hooks.example.com/", "https:///hooks.example.com/",
    "https://", "https://:80/", "//hooks.example.com/", "hooks.example.com/x", "hooks.example.com:80",
    "https://hooks.example.com:443/", "https://hooks.example.com:/", "https://hooks.example.com:0/",
    "https://hooks.example.com:65535/", "https://hooks.example.com:65536/", "https://hooks.example.com:99999/",
    "https://hooks.example.com:123456/", "https://hooks.example.com:8a/", "https://hooks.example.com:+8/",
    "https://hooks.example.com:-1/", "https://hooks.example.com:-0/", "https://hooks.example.com:+/",
    "https://hooks.example.com:a/", "https://hooks.example.com:8:8/", "https://hooks.example.com.:8/",
    "https://hooks.example.com./", "https://hooks..example.com/", "https://.hooks.example.com/",
    "https://-hooks.example.com/", "https://hooks-.example.com/", "https://hooks.example.com-/",
    "https://hooks.example-.com/", "https://ho--oks.example.com/", "https://hooks_x.example.com/",
    "https://hooks.exa_mple.com/", "https://" . str_repeat("a", 63) . ".example.com/",
    "https://" . str_repeat("a", 64) . ".example.com/", "https://" . str_repeat("a.", 126) . "com/",
    "https://" . str_repeat("a.", 127) . "com/", "https://1.2.3.4/", "https://999.2.3.4/",
    "https://[::1]/", "https://[::1]:8080/", "https://[::1/", "https://[zz]/", "https://::1/",
    "https://user:pw@hooks.example.com/x", "https://user@hooks.example.com/x",
    "https://@hooks.example.com/x", "https://:@hooks.example.com/x", "https://u:p:q@hooks.example.com/",
    "https://a@b@hooks.example.com/", "https://us%41er@hooks.example.com/", "https://us%a1er@hooks.example.com/",
    "https://us%4@hooks.example.com/", "https://u{x}@hooks.example.com/", "https://u\\@hooks.example.com/",
    "https://hooks.example.com\\@evil.com/", "https://hooks.example.com\\x", "https://hooks.example.com?x=1",
    "https://hooks.example.com#frag", "https://hooks.example.com/p?q=1#f", "https://hooks.example.com/p?q=a b",
    "https://hooks.example.com/{}|\\^~[]`<>\"%", "https://hooks.example.com/%zz", "https://hooks.example.com/#a#b",
    "https://hooks.example.com/@x", "https://hooks.example.com/?@x", "https://hooks.example.com/:x",
    "https://ho%6Fks.example.com/", "https://hooks.example.com%2F/", "https://hooks.example.com/\u{2028}",
    "https://localhost/", "https://hooks.local/", "https://hooks.example.com/ ", " https://hooks.example.com/",
    "https://hooks.example.com/\n", "https://HOOKS.EXAMPLE.COM/", "https://a/", "https://1a.example.com/",
];
// Every printable ASCII character and a few others, in each part that parse_url splits.
$characters = array_merge(array_map('chr', range(0x20, 0x7e)), ["\t", "\x7f", "é", "\u{00a0}"]);
foreach ($characters as $c) {
    $urls[] = "https://hooks.example.com/a{$c}b";
    $urls[] = "https://hooks.example.com/?q={$c}";
    $urls[] = "https://ho{$c}oks.example.com/x";
    $urls[] = "https://hooks.example.com{$c}/x";
    $urls[] = "https://u{$c}v@hooks.example.com/x";
    $urls[] = "https://hooks.example.com:8{$c}/x";
    $urls[] = "http{$c}://hooks.example.com/x";
}
$vectors = [];
foreach (array_values(array_unique($urls)) as $url) {
    $host = parse_url($url, PHP_URL_HOST);
    $vectors[] = [
        "url" => $url,
        "valid" => filter_var($url, FILTER_VALIDATE_URL) !== false,
        "scheme" => parse_url($url, PHP_URL_SCHEME) ?? null,
        "host" => is_string($host) ? $host : null,
    ];
}
echo json_encode(
    ["generator" => "php " . PHP_VERSION, "vectors" => $vectors],
    JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE
), "\n";
