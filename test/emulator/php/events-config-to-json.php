<?php
// Writes emulator/appwrite-config/events-1.9.6.json: Appwrite's app/config/events.php as data, in
// its own shape (the `$model`, `$resource` and `$description` keys next to action and
// sub-resource names), with each Response::MODEL_* constant replaced by its value from
// src/Appwrite/Utopia/Response.php. Regenerate (once, on purpose; the output is committed), from a
// clone of appwrite/appwrite, at the tag, and for `next` at the main-branch commit that
// emulator/appwrite-config/releases.json names:
//   php test/emulator/php/events-config-to-json.php <appwrite clone> 1.9.6 > emulator/appwrite-config/events-1.9.6.json
//   php test/emulator/php/events-config-to-json.php <appwrite clone> <commit> next > emulator/appwrite-config/events-next.json
//   npx prettier --write emulator/appwrite-config/events-*.json
[, $checkout, $tag] = $argv;
// A release named by the emulator (`next`) rather than by a tag of Appwrite.
$release = $argv[3] ?? null;
$show = fn (string $path): string => shell_exec('git -C ' . escapeshellarg($checkout) . ' show ' . escapeshellarg("$tag:$path"));
$commit = trim(shell_exec('git -C ' . escapeshellarg($checkout) . ' rev-parse ' . escapeshellarg("$tag^{commit}")));

preg_match_all("/const (MODEL_[A-Z0-9_]+) = '([^']*)';/", $show('src/Appwrite/Utopia/Response.php'), $constants, PREG_SET_ORDER);
$models = [];
foreach ($constants as [, $name, $value]) {
    $models["Response::$name"] = var_export($value, true);
}
$config = $show('app/config/events.php');
$config = preg_replace('/^use [^;]+;$/m', '', $config);
$config = preg_replace_callback('/Response::MODEL_[A-Z0-9_]+/', fn ($m) => $models[$m[0]] ?? throw new Exception("unknown $m[0]"), $config);
$file = tempnam(sys_get_temp_dir(), 'events');
file_put_contents($file, $config);
$events = require $file;
unlink($file);

echo json_encode([
    'about' => ($release === null ? "Appwrite $tag's" : "Appwrite $release's (main branch)") . " app/config/events.php as data: the tree its Event validator and Event::generateEvents read. The emulator keeps its own copy, read from Appwrite's source by test/emulator/php/events-config-to-json.php (the command is in that file), so that its event rule is an independent reading of Appwrite; test/emulator/event-catalogs.test.ts fails when this copy and the provider's catalog disagree.",
    'source' => ['repository' => 'appwrite/appwrite', ...($release === null ? ['tag' => $tag] : ['branch' => 'main']), 'commit' => $commit, 'path' => 'app/config/events.php'],
    'events' => $events,
], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR), "\n";
