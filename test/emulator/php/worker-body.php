<?php
/*
 * What Appwrite 1.9.6 does to an event payload between the queue and the wire, replayed with
 * PHP's own json extension (no project code involved):
 * - utopia-php/queue 0.21.1 src/Queue/Connection/Redis.php rightPopArray():
 *   json_decode($response, true) of the queue message;
 * - src/Appwrite/Platform/Workers/Webhooks.php line 67: json_encode($payload['payload']).
 * The payload sits two levels deep in the message, as in the real envelope, so depth limits
 * apply as they do there.
 *
 * Input (stdin): one JSON string per line, each the payload text as the queue holds it.
 * Output (stdout): one JSON object per line, {"body": base64} or {"error": message}.
 */

function worker_body(string $payloadText): array
{
    $message = '{"pid":"p","queue":"v1-webhooks","timestamp":1,"payload":{"project":[],"events":["e"],"payload":'
        . $payloadText . '}}';
    $decoded = json_decode($message, true);
    if ($decoded === null) {
        return ['error' => json_last_error_msg()];
    }
    $body = json_encode($decoded['payload']['payload']);
    if ($body === false) {
        return ['error' => json_last_error_msg()];
    }
    return ['body' => base64_encode($body)];
}

if (realpath($argv[0] ?? '') === __FILE__) {
    while (($line = fgets(STDIN)) !== false) {
        if (trim($line) === '') {
            continue;
        }
        echo json_encode(worker_body(json_decode($line))), "\n";
    }
}
