<?php
/*
 * One webhook delivery made the way Appwrite 1.9.6's worker makes it, with PHP's curl
 * extension (libcurl), so a receiver can compare the emulator's request with a real one.
 * The calls follow src/Appwrite/Platform/Workers/Webhooks.php at tag 1.9.6:
 * - line 67: json_encode($payload['payload']) of the decoded queue message;
 * - lines 104 and 115: the signature over rawurldecode($url) . $payload;
 * - lines 118-155: the curl handle and its options, in that order.
 * Only CURLOPT_CONNECT_TO is added, so the request reaches a local receiver while the URL
 * (and so the Host header) stays the webhook's own, as the emulator's host routes do.
 *
 * Input (stdin): one JSON object, see the test that calls this. Output: {"status","error"}.
 */

require __DIR__ . '/worker-body.php';

$in = json_decode(stream_get_contents(STDIN), true);
$decoded = worker_body($in['payloadText']);
if (isset($decoded['error'])) {
    fwrite(STDERR, $decoded['error']);
    exit(1);
}
$payload = base64_decode($decoded['body']);
$webhookUrl = $in['url'];

$url = \rawurldecode($webhookUrl);
$signature = base64_encode(hash_hmac('sha1', $url . $payload, $in['secret'], true));
$httpUser = $in['httpUser'];
$httpPass = $in['httpPass'];
$ch = \curl_init($webhookUrl);

\curl_setopt($ch, CURLOPT_CUSTOMREQUEST, 'POST');
\curl_setopt($ch, CURLOPT_POSTFIELDS, $payload);
\curl_setopt($ch, CURLOPT_HEADER, 0);
\curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
\curl_setopt($ch, CURLOPT_TIMEOUT, 15);
\curl_setopt($ch, CURLOPT_MAXFILESIZE, 5 * 1024 * 1024);
\curl_setopt($ch, CURLOPT_USERAGENT, $in['userAgent']);
\curl_setopt(
    $ch,
    CURLOPT_HTTPHEADER,
    [
        'Content-Type: application/json',
        'Content-Length: ' . \strlen($payload),
        'X-Appwrite-Webhook-Id: ' . $in['webhookId'],
        'X-Appwrite-Webhook-Events: ' . implode(',', $in['events']),
        'X-Appwrite-Webhook-Name: ' . $in['name'],
        'X-Appwrite-Webhook-User-Id: ' . $in['userId'],
        'X-Appwrite-Webhook-Project-Id: ' . $in['projectId'],
        'X-Appwrite-Webhook-Signature: ' . $signature,
    ]
);
\curl_setopt($ch, CURLOPT_MAXREDIRS, 5);
\curl_setopt($ch, CURLOPT_CONNECT_TO, [$in['connectTo']]);

if (!empty($httpUser) && !empty($httpPass)) {
    \curl_setopt($ch, CURLOPT_USERPWD, "$httpUser:$httpPass");
    \curl_setopt($ch, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
}

\curl_exec($ch);
echo json_encode(['status' => \curl_getinfo($ch, CURLINFO_RESPONSE_CODE), 'error' => \curl_error($ch)]), "\n";
