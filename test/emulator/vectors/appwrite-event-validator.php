<?php
// Generates appwrite-event-validator.json: what Appwrite's own Event validator
// (src/Appwrite/Event/Validator/Event.php) answers for event names, run by PHP over the events.php
// tree of emulator/appwrite-config/events-1.9.6.json. The validator's file is read from an
// appwrite/appwrite checkout (not copied here); the two classes it extends and reads are stubbed.
// Regenerate (once, on purpose; the output is committed):
//   php test/emulator/vectors/appwrite-event-validator.php <appwrite checkout> 1.9.6 \
//     > test/emulator/vectors/appwrite-event-validator.json
namespace Utopia\Config {
    class Config
    {
        public static array $events = [];
        public static function getParam(string $key, mixed $default = null): mixed
        {
            return $key === 'events' ? self::$events : $default;
        }
    }
}

namespace Utopia {
    abstract class Validator
    {
        public const TYPE_STRING = 'string';
    }
}

namespace {
    [, $checkout, $tag] = $argv;
    $source = shell_exec('git -C ' . escapeshellarg($checkout) . ' show ' . escapeshellarg("$tag:src/Appwrite/Event/Validator/Event.php"));
    $file = tempnam(sys_get_temp_dir(), 'event');
    file_put_contents($file, $source);
    require $file;
    unlink($file);
    \Utopia\Config\Config::$events = json_decode(file_get_contents(__DIR__ . "/../../../emulator/appwrite-config/events-$tag.json"), true)['events'];
    $validator = new \Appwrite\Event\Validator\Event();

    // Segments that decide the outcome: every type, resource, action and attribute name of the
    // tree, ID-like values (with PHP's falsy "" and "0"), `$` keys, and names the tree lacks.
    $tokens = ['*', 'x1', '', '0', '$model', '$resource', 'unknown', 'tablesdb', 'webhooks', 'account'];
    $walk = function (array $node) use (&$walk, &$tokens): void {
        foreach ($node as $key => $child) {
            $tokens[] = (string) $key;
            if (is_array($child)) {
                $walk($child);
            }
        }
    };
    $walk(\Utopia\Config\Config::$events);
    $tokens = array_values(array_unique($tokens));

    // Names in the tree's own shapes (type.ID.sub.ID.subsub.ID.action) with each slot varied,
    // then seeded random mixes of tokens; both deterministic.
    $names = [];
    foreach (\Utopia\Config\Config::$events as $type => $node) {
        foreach ($node as $key => $child) {
            $names[] = "$type.*.$key";
            if (is_array($child)) {
                foreach ($child as $inner => $grandchild) {
                    $names[] = "$type.*.$key.$inner";
                    $names[] = "$type.*.$key.*.$inner";
                    if (is_array($grandchild)) {
                        foreach (array_keys($grandchild) as $leaf) {
                            $names[] = "$type.*.$key.*.$inner.*.$leaf";
                            $names[] = "$type.*.$key.*.$inner.$leaf";
                        }
                    }
                }
            }
        }
    }
    mt_srand(2196);
    for ($i = 0; $i < 1500; $i++) {
        $count = mt_rand(1, 8);
        $segments = [];
        for ($j = 0; $j < $count; $j++) {
            $segments[] = $j % 2 === 1 && mt_rand(0, 2) > 0 ? '*' : $tokens[mt_rand(0, count($tokens) - 1)];
        }
        $names[] = implode('.', $segments);
    }

    $vectors = [];
    foreach (array_values(array_unique($names)) as $name) {
        try {
            $answer = $validator->isValid($name);
        } catch (\Throwable $error) {
            // PHP 8 raises a TypeError where the source indexes a missing action; Appwrite answers 500.
            $answer = 'TypeError';
        }
        $vectors[] = [$name, $answer];
    }
    echo json_encode([
        'about' => "Answers of Appwrite $tag's Event validator, run by PHP; regenerate with test/emulator/vectors/appwrite-event-validator.php.",
        'source' => ['repository' => 'appwrite/appwrite', 'tag' => $tag, 'path' => 'src/Appwrite/Event/Validator/Event.php'],
        'vectors' => $vectors,
    ], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR), "\n";
}
