<?php
// Generates appwrite-response-model-fields.json: for each response model class of
// src/Appwrite/Utopia/Response/Model/ at the tag, the field names its source passes to
// addRule(), in source order, read by PHP's tokenizer without running the class. It is a reading of
// Appwrite's source independent of emulator/appwrite-config/response-models-1.9.6.json, which PHP
// builds by running the classes (test/emulator/php/response-models-to-json.php).
// Regenerate (once, on purpose; the output is committed):
//   php test/emulator/vectors/appwrite-response-model-fields.php <appwrite checkout> 1.9.6 \
//     > test/emulator/vectors/appwrite-response-model-fields.json
[, $checkout, $tag] = $argv;
$git = fn (string $args): string => (string) shell_exec('git -C ' . escapeshellarg($checkout) . ' ' . $args);
$directory = 'src/Appwrite/Utopia/Response/Model';
$fields = [];
foreach (array_filter(explode("\n", trim($git('ls-tree --name-only ' . escapeshellarg("$tag:$directory"))))) as $file) {
    $tokens = array_values(array_filter(
        token_get_all($git('show ' . escapeshellarg("$tag:$directory/$file"))),
        fn ($token) => !is_array($token) || !in_array($token[0], [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT], true),
    ));
    $names = [];
    foreach ($tokens as $i => $token) {
        // ->addRule ( 'field'
        if (is_array($token) && $token[0] === T_STRING && $token[1] === 'addRule'
            && ($tokens[$i + 1] ?? null) === '(' && is_array($tokens[$i + 2] ?? null)
            && $tokens[$i + 2][0] === T_CONSTANT_ENCAPSED_STRING) {
            $names[] = stripslashes(substr($tokens[$i + 2][1], 1, -1));
        }
    }
    $fields[basename($file, '.php')] = $names;
}
$commit = trim($git('rev-parse ' . escapeshellarg("$tag^{commit}")));
echo json_encode(['source' => ['repository' => 'appwrite/appwrite', 'tag' => $tag, 'commit' => $commit, 'path' => $directory], 'fields' => $fields], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
