<?php
// Writes emulator/appwrite-config/response-models-1.9.6.json: the rules (field, type, array,
// required, example) of the response models that Appwrite's events.php names as `$model`, and of
// the single models those rules hold, as PHP itself builds them from src/Appwrite/Utopia/Response/Model/
// at the tag. The model files are read from an appwrite/appwrite checkout (not copied here) and run
// by PHP over stubs of what they reference beyond Model.php: Response's MODEL_* constants (read
// from Response.php) and empty classes for the rest. Regenerate (once, on purpose; the output is
// committed), in a checkout of appwrite/appwrite at the tag:
//   php test/emulator/php/response-models-to-json.php <appwrite checkout> 1.9.6 > emulator/appwrite-config/response-models-1.9.6.json
//   npx prettier --write emulator/appwrite-config/response-models-1.9.6.json
[, $checkout, $tag] = $argv;
$git = fn (string $args): string => (string) shell_exec('git -C ' . escapeshellarg($checkout) . ' ' . $args);
$show = fn (string $path): string => $git('show ' . escapeshellarg("$tag:$path"));
$commit = trim($git('rev-parse ' . escapeshellarg("$tag^{commit}")));

$load = function (string $source): void {
    $file = tempnam(sys_get_temp_dir(), 'model');
    file_put_contents($file, $source);
    require_once $file;
    unlink($file);
};

// Response: only its MODEL_* constants are read by the models.
preg_match_all("/const (MODEL_[A-Z0-9_]+) = '([^']*)';/", $show('src/Appwrite/Utopia/Response.php'), $constants, PREG_SET_ORDER);
$body = implode("\n", array_map(fn ($c) => "    public const {$c[1]} = " . var_export($c[2], true) . ';', $constants));
eval("namespace Appwrite\\Utopia; class Response {\n$body\n}");
// Appwrite's own class behind APP_COMPUTE_SPECIFICATION_DEFAULT (Function and Site examples).
$load($show('src/Appwrite/Platform/Modules/Compute/Specification.php'));
// What the event models read from utopia-php libraries, which a checkout does not vendor: the
// values as those libraries define them. Compression's names only reach descriptions (not kept),
// Role::any() is an example of Execution's permissions, DateTime::now() a default (not kept).
eval('namespace Utopia\Compression; class Compression { const NONE = "none"; const GZIP = "gzip"; const ZSTD = "zstd"; }');
eval('namespace Utopia\Database\Helpers; class Role { public static function any(): self { return new self(); } public function toString(): string { return "any"; } }');
eval('namespace Utopia\Database; class DateTime { public static function now(): string { return "2020-10-15T06:38:00.000+00:00"; } }');
// The server's global constants (app/init/constants.php), which some rules' descriptions read
// (User: APP_USER_ACCESS); each is defined alone, so one that needs the running server is skipped.
$constantsFile = $show('app/init/constants.php');
preg_match_all('/^use [^;]+;$/m', $constantsFile, $imports);
preg_match_all('/^const ([A-Z0-9_]+) = (.+);/m', $constantsFile, $globals, PREG_SET_ORDER);
foreach ($globals as [, $name, $value]) {
    try {
        eval(implode("\n", $imports[0]) . "\nconst $name = $value;");
    } catch (Throwable $error) {
    }
}
// Classes the models name in `use` or type hints but never need to build their rules.
spl_autoload_register(function (string $class): void {
    $at = strrpos($class, '\\');
    $namespace = $at === false ? '' : substr($class, 0, $at);
    $name = $at === false ? $class : substr($class, $at + 1);
    eval("namespace $namespace; class $name {}");
});

$load($show('src/Appwrite/Utopia/Response/Model.php'));
$directory = 'src/Appwrite/Utopia/Response/Model';
$files = array_filter(explode("\n", trim($git('ls-tree --name-only ' . escapeshellarg("$tag:$directory")))));
// Parents first: a model that extends another (Document extends Any) needs it loaded.
$sources = [];
foreach ($files as $file) {
    $sources[basename($file, '.php')] = $show("$directory/$file");
}
$loaded = [];
$loadModel = function (string $name) use (&$loadModel, &$loaded, $sources, $load): void {
    if (isset($loaded[$name])) return;
    $loaded[$name] = true;
    if (preg_match('/class \w+ extends (\w+)/', $sources[$name], $m) && $m[1] !== 'Model' && isset($sources[$m[1]])) {
        $loadModel($m[1]);
    }
    $load($sources[$name]);
};
$byType = [];
$classOf = [];
foreach (array_keys($sources) as $name) {
    $loadModel($name);
    $class = "Appwrite\\Utopia\\Response\\Model\\$name";
    $reflection = new ReflectionClass($class);
    if ($reflection->isAbstract()) continue;
    $constructor = $reflection->getConstructor();
    if ($constructor !== null && $constructor->getNumberOfRequiredParameters() > 0) continue;
    // A model whose rules need the running server cannot be built here; a missing one that an
    // event names fails below, by name.
    try {
        $model = new $class();
    } catch (Error $error) {
        fwrite(STDERR, "skipped $name: {$error->getMessage()}\n");
        continue;
    }
    $byType[$model->getType()] = $model;
    $classOf[$model->getType()] = $name;
}

// The models events.php names, then every single model their rules hold, transitively.
$events = json_decode(file_get_contents(__DIR__ . "/../../../emulator/appwrite-config/events-$tag.json"), true)['events'];
$wanted = [];
$walk = function (array $node) use (&$walk, &$wanted): void {
    if (isset($node['$model'])) $wanted[$node['$model']] = true;
    foreach ($node as $key => $child) {
        if (is_array($child)) $walk($child);
    }
};
$walk($events);
$models = [];
$queue = array_keys($wanted);
while ($queue) {
    $type = array_shift($queue);
    if (isset($models[$type])) continue;
    if (!isset($byType[$type])) throw new Exception("no model class answers getType() = $type");
    $rules = [];
    foreach ($byType[$type]->getRules() as $field => $rule) {
        // A rule holding one model (a team's `prefs`) is built from that model's rules; a list
        // of models keeps its example, so those models are not needed.
        if (!$rule['array'] && is_string($rule['type']) && isset($byType[$rule['type']])) {
            $queue[] = $rule['type'];
        }
        $rules[] = [
            'field' => $field,
            'type' => $rule['type'],
            'array' => $rule['array'],
            'required' => $rule['required'],
            'example' => $rule['example'],
        ];
    }
    $models[$type] = ['class' => $classOf[$type], 'any' => $byType[$type]->isAny(), 'rules' => $rules];
}
ksort($models);

echo json_encode([
    'about' => "Appwrite $tag's response models (src/Appwrite/Utopia/Response/Model/*.php) as data: for each model events.php names as `\$model`, and each single model their rules hold, the rules in Appwrite's order with their type, array flag, required flag and example. Read from Appwrite's source by test/emulator/php/response-models-to-json.php (the command is in that file); `trigger` builds its payloads from it.",
    'source' => ['repository' => 'appwrite/appwrite', 'tag' => $tag, 'commit' => $commit, 'path' => $directory],
    'models' => $models,
], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION), "\n";
