"""magento.py: the Magento 2 (Adobe Commerce) REST API V1 for sandbox.py.

    python3 tests/sandbox/sandbox.py --platform magento \
        --data tests/sandbox/data/magento [--api-key sandbox-token] \
        [--generate products=N,orders=M] [--seed N] \
        [--set bearer=1] [--set input_limit=0] [--set max_items=20] ...

Routes, under /rest/V1, /rest/default/V1 or /rest/all/V1:
GET orders, GET orders/{id}, GET shipments, GET products,
GET inventory/sources, GET inventory/source-items,
POST inventory/source-items and POST order/{orderId}/ship.  Data:
sources.json, products.json, source_items.json, orders.json,
shipments.json (one JSON array each, in the shape Magento returns; a
missing sources.json means the default source alone).  The connection
url is http://127.0.0.1:PORT.

Settings (--set NAME=VALUE): oauth_url (normalised, the default, or
as_sent: how the URL in the signature's base string is made, decision 4),
bearer (0, the default: the integration
access token, the --api-key, is refused as "Authorization: Bearer" and
requests are signed with OAuth 1.0a, as on Magento 2.4.4 and later; 1: the
store accepts it as a bearer), consumer_key, consumer_secret, token_secret
(the access token is --api-key), input_limit (1, the default: on; 0 off),
max_items, default_page_size, max_page_size (used when input_limit=1),
past_end (last: a page past the end repeats the last page; empty: items []).

Sources (all read from public copies; [m2] is magento/magento2, [inv] is
magento/inventory, [docs] is AdobeDocs/commerce-webapi src/pages):
 [path]    [m2] app/code/Magento/Webapi/Controller/PathProcessor.php
 [router]  [m2] Webapi/Controller/Rest/Router.php, Router/Route.php and
           Webapi/Model/Rest/Config.php (getRestRoutes)
 [valid]   [m2] Webapi/Controller/Rest/RequestValidator.php (2.4.7:
           route match, then ACL, then HTTPS, then backpressure)
 [errors]  [m2] lib/internal/Magento/Framework/Webapi/ErrorProcessor.php
           (maskException) and Rest/Response.php
 [sip]     [m2] Framework/Webapi/ServiceInputProcessor.php and
           Reflection/TypeProcessor.php (processSimpleAndAnyType, setType)
 [limits]  [m2] Framework/Webapi/Validator/EntityArrayValidator.php,
           SearchCriteriaValidator.php, IOLimit/DefaultPageSizeSetter.php;
           [docs] get-started/api-security.md (input limits)
 [search]  [docs] rest/use-rest/performing-searches.md; [m2]
           Framework/Api/SortOrder.php, SearchCriteria/CollectionProcessor/
           SortingProcessor.php, Framework/Data/Collection.php (getCurPage)
 [oauth]   [m2] lib/internal/Magento/Framework/Oauth/Oauth.php,
           Oauth/Helper/Request.php, Oauth/Helper/Signature/Hmac.php,
           Integration/Model/Oauth/Nonce/Generator.php,
           Integration/Model/Oauth/Token/Provider.php,
           Webapi/Model/Authorization/OauthUserContext.php;
           [docs] get-started/authentication/gs-authentication-token.md
 [msi]     [inv] Inventory/etc/di.xml (SourceItemValidatorChain),
           Inventory/Model/SourceItem/Command/Handler/
           SourceItemsSaveHandler.php, SourceItem/Validator/*.php,
           Model/Validators/*.php; [inv] InventoryApi/etc/webapi.xml;
           [docs] rest/inventory/manage-source-items.md, manage-sources.md
 [ship]    [m2] app/code/Magento/Sales/: Model/ShipOrder.php,
           Model/Order/ShipmentDocumentFactory.php,
           Model/Order/ShipmentFactory.php (2.4: validateItem, castQty,
           setItemsToShipment), Model/Order/Validation/ShipOrder.php and
           CanShip.php, Model/ValidatorResultMerger.php,
           Model/Order/Shipment/Validation/QuantityValidator.php and
           TrackValidator.php, Model/Order/Shipment/
           ShipmentItemsValidator.php, OrderRegistrar.php, Item.php
           (register), Track/Validator.php, Comment/Validator.php,
           Sender/EmailSender.php, Model/ResourceModel/Order/Shipment/
           Track.php (_beforeSave), Model/Order/Item.php (isDummy,
           isShipSeparately, getQtyToShip, getSimpleQtyToShip),
           Model/Order.php (canInvoice, canCreditmemo, canShip),
           Model/Order/StateResolver.php, Model/ResourceModel/Order/
           Handler/State.php; [m2] Bundle/Model/Sales/Order/Shipment/
           BundleShipmentTypeValidator.php and Bundle/Model/Sales/Order/
           BundleOrderTypeValidator.php; [m2] dev/tests/api-functional/
           testsuite/Magento/Sales/Service/V1/ShipOrderTest.php;
           [m2] Framework/Webapi/Rest/Request.php (getBodyParams,
           getContentType), Framework/Webapi/ServiceOutputProcessor.php
           (convertValue); magento/devdocs (REST declaration of
           /V1/order/:orderId/ship: Magento_Sales::ship); [docs]
           rest/tutorials/orders/order-create-shipment.md
           (https://developer.adobe.com/commerce/webapi/rest/tutorials/
           orders/order-create-shipment/); issues magento/magento2#26228
           (a configurable's child keeps qty_shipped 0), #38029 and
           #40465 (bundle children's qty_shipped in 2.4.6 to 2.4.8-p3)
 [orders]  [docs] rest/tutorials/orders/order-create-order.md,
           order-create-shipment.md; magento/magento2#3787, #26986
 [res]     /work/shared/research/platform-apis-1.md section C

Decisions:
 1. Paths [path][router].  /rest/V1/... and /rest/default/V1/... run in
    the default store view, /rest/all/V1/... in the admin scope; GET is
    allowed with `all` (2.4's RequestValidator no longer has the old
    "Cannot perform GET operation with store code 'all'" check).  Any
    other first segment is not a store code, so it stays in the path and
    no route matches: 404 {"message":"Request does not match any route."}.
    Route segments compare case-sensitively; a trailing slash is
    tolerated (Route trims '/').  A known path with another method is also
    that 404 (routes are looked up per method).  A method other than GET,
    POST, PUT or DELETE is 400 {"message":"Request method is invalid."}
    (Rest\\Request::getHttpMethod, from memory: UNCONFIRMED).  Paths
    outside /rest/ get the same 404 JSON (Magento would serve its
    storefront 404 page: UNCONFIRMED).
 2. Order of checks [valid]: method, route (404), then auth (401), then
    the input.  So a wrong path with no credentials is 404, not 401.
 3. Auth: "Authorization: Bearer <token>" (the word case-insensitive,
    exactly one space, as TokenUserContext splits it).  The integration
    access token (--api-key) is accepted only with --set bearer=1; the
    default here is Magento's since 2.4.4,
    oauth/consumer/enable_integration_as_bearer=0 ([docs] get-started/
    authentication/gs-authentication-token.md, "Integration tokens":
    Stores, Configuration, Services, OAuth, "Allow OAuth Access Tokens to
    be used as standalone Bearer tokens", default No), so the token is
    refused and OAuth 1.0a (decision 4) is the way in.  A
    refused, unknown or missing token makes the caller a guest, and the
    route's ACL check answers 401
    {"message":"The consumer isn't authorized to access %resources.",
     "parameters":{"resources":"Magento_Sales::actions_view"}} with the
    route's resource (orders: Magento_Sales::actions_view; shipments:
    Magento_Sales::shipment (UNCONFIRMED: read from memory of 2.4's
    Sales webapi.xml); POST order/{orderId}/ship: Magento_Sales::ship
    (magento/devdocs quoting webapi.xml; an older webapi.xml said
    Magento_Sales::sales); products: Magento_Catalog::products; sources and
    source items: Magento_InventoryApi::source; POST source-items:
    Magento_InventoryApi::stock_source_item_assign [inv webapi.xml]).
 4. OAuth 1.0a [oauth], "Authorization: OAuth k="v", ..." (the parameters
    are rawurldecoded, surrounding quotes trimmed).  Checks, in Magento's
    order, with its answers:
    - oauth_version given and not "1.0": 400 'The "%1" Oauth version
      isn't supported.' ["2.0"];
    - a missing oauth_consumer_key, oauth_signature,
      oauth_signature_method, oauth_nonce, oauth_timestamp or oauth_token:
      400 '"%fieldName" is required. Enter and try again.'
      {"fieldName":...} (several: "One or more input exceptions have
      occurred." with errors[]);
    - a method other than HMAC-SHA256: 400 'Signature method %1 is not
      supported' ["HMAC-SHA1"] (getSupportedSignatureMethods() is
      [HMAC-SHA256] only, so HMAC-SHA1 is refused);
    - an unknown consumer key: 401 'A consumer having the specified key
      does not exist';
    - the timestamp: Magento refuses only (int)ts <= 0 or ts > now+600 s
      (no lower bound: old timestamps pass); its OauthInputException is
      caught by validateNonce's catch-all, so the answer is 401 'An error
      occurred validating the nonce';
    - a nonce this consumer used before: 401 'The nonce is already being
      used by the consumer with ID %1' ["1"].  The nonce is stored before
      the token and signature are checked, so a request refused for its
      signature still uses up its nonce; nonces are kept until
      /_sandbox/reset (Magento purges them by cron);
    - an unknown oauth_token: 401 'Specified token does not exist';
    - a wrong signature: 401 'The signature is invalid. Verify and try
      again.'.
    Magento also refuses consumer keys and tokens that are not exactly 32
    characters; the sandbox's credentials are not, so it does not check
    lengths.  Signature (Helper/Signature/Hmac.php): base string =
    "GET" & rawurlencode(the base URI, below) &
    rawurlencode(the parameters joined by "&"), where the parameters are
    the header's oauth_* (not oauth_signature) plus the query's, each
    "rawurlencode(name)=rawurlencode(value)", sorted by the DECODED name
    (PHP ksort), a name given twice keeping its last value, the JSON body
    never included.  Key = rawurlencode(consumer_secret) & rawurlencode(
    token_secret); HMAC-SHA256, base64.  This is RFC 5849 except that
    RFC 5849 sorts the encoded names and keeps duplicates; the two agree
    unless a name sorts differently encoded (e.g. ...[filters][1][...] vs
    ...[filters][10][...]: keep to 10 filters per group and 10 groups) or
    is repeated.  Encode spaces as %20, never "+" (Magento reads bracketed
    names with rawurldecode, which keeps "+").
    The base URI: Magento rebuilds the URL from the request
    (Oauth/Helper/Request::getRequestUrl: getScheme() . "://" .
    getHttpHost(false) . getRequestUri(), so the scheme is the server's,
    in lower case, and host and port are the Host header's as sent), and
    then, by version:
    - normalised (--set oauth_url=normalised, the default): laminas-oauth's
      AbstractSignature::normaliseBaseSignatureUrl, which Magento's
      Helper/Signature/Hmac (extends Laminas\\OAuth\\Signature\\Hmac,
      2024) overrides the same way: Laminas\\Uri normalize() puts scheme
      and host in lower case and Uri\\Http drops the scheme's default
      port, Hmac drops :80 for http and :443 for https again, and clears
      query and fragment; the path has its dot segments removed and its
      %XX decoded where they stand for an unreserved character, the
      others in upper case (Helper/Uri/Http::normalizePath with
      laminas-uri's decodeUrlEncodedChars).  A client that signs
      http://LOCALHOST:PORT or HTTP://127.0.0.1:PORT as written is
      refused.
    - as_sent (--set oauth_url=as_sent): the Hmac that replaced
      laminas-oauth (implements HmacInterface; 2.4-develop, and 2.4.8
      dropped laminas-oauth by its release notes: UNCONFIRMED which
      release first ships it) builds scheme://host[:port]path with
      parse_url and no normalisation (Hmac::buildRequestUrl): the host in
      the case the Host header has it, a port only when the header has
      one.  A client that signs LOCALHOST but sends Host: localhost is
      refused, and so is one that signs :80 where curl leaves the default
      port out of the Host header.
    Either way a client is right when it sends the request to the URL
    normalised and signs that.
 5. Errors [errors]: {"message": "...", "parameters": {...} or [...]}
    with %placeholders left in message; "errors": [{message,parameters}]
    for aggregate exceptions; no "trace" (production mode).  404 for
    NoSuchEntityException, 401 for authorization, 400 for any other
    LocalizedException, 500 "Internal Error. Details are available in
    Magento log file. Report ID: webapi-..." for anything else (an SQL
    error, such as an unknown column).  Content-Type
    "application/json; charset=utf-8".  JSON as PHP's json_encode writes
    it (sandbox.json_bytes): "/" escaped, non-ASCII as \\uXXXX; whole
    floats written without ".0" (json_encode without
    JSON_PRESERVE_ZERO_FRACTION); null values left out, so a simple order
    item has no parent_item_id key at all.
 6. searchCriteria [search][sip]: the query is parsed as PHP does
    (a[b][c]=v nests; a[]=v appends).  Each object key is matched as
    ServiceInputProcessor does: underscores removed and the getter looked
    up case-insensitively, so filter_groups, filterGroups, conditionType,
    condition_type, page_size and pageSize are all accepted.  Any other
    key: 400 '"%fieldName" is not supported. Correct the field name and
    try again.' {"fieldName":"Foo"} (2.4.7+, the text per AdobeDocs and a
    Magento test; the placeholder's name is UNCONFIRMED; 2.4.6 and lower
    answered 'Property "%1" does not have accessor method ...').  Filters in a
    group OR, groups AND.  condition_type defaults to eq; eq, neq, gt,
    gteq, moreq, lt, lteq, from (>=), to (<=), like, nlike, in, nin (a
    comma list, split without trimming), null, notnull, finset, nfinset.
    Magento treats an unknown condition_type as eq; the sandbox refuses it
    with 400 'Invalid value of "%value" provided for the %fieldName
    field.' (UNCONFIRMED: the strict choice).  sortOrders: direction ASC
    or DESC in any case, anything else 400 'The sort order has to be
    specified as %1 for ascending order or %2 for descending order.'
    ["ASC","DESC"]; no direction sorts DESC (SortingProcessor compares
    with ASC only); one without a field is ignored.  Without sortOrders:
    by primary key (entity_id; for sources source_code; for source items
    their insertion order).
 7. Filter values.  Times are stored and compared in UTC as text
    ("YYYY-MM-DD HH:MM:SS"; Magento stores UTC and passes REST filter
    values to SQL unconverted).  A date value must be "YYYY-MM-DD HH:MM:SS"
    or "YYYY-MM-DD" (= 00:00:00), a numeric field's value a number; else
    400 'Invalid value of "%value" provided for the %fieldName field.'
    (UNCONFIRMED: MySQL would coerce silently; the strict choice).  Text
    compares case-sensitively and by code point (MySQL's *_ci collations
    would not: UNCONFIRMED, the strict choice; send SKUs exactly).  A NULL
    column matches no comparison, only null.
 8. Unknown filter or sort fields: orders, shipments, sources and source
    items are flat tables, so Magento fails in SQL: 500 "Internal
    Error..." (the strict choice among 400/500: the client must not send
    them).  Products are EAV: 400 {"message":"Invalid attribute name: %1",
    "parameters":["foo"]} (seen in third-party clients).
 9. Paging [search].  pageSize and currentPage must be numeric (else 400
    'Error occurred during "pageSize" processing. Invalid type for value:
    "x". Expected Type: "int".'); decimals are truncated.  Without
    pageSize: all matches, unless input limits are on (decision 11).
    currentPage defaults to 1 and below 1 means 1 (Collection::getCurPage;
    search_criteria echoes what was sent).  pageSize below 1 is refused:
    400 'Minimum SearchCriteria pageSize is %min' {"min":1} (UNCONFIRMED:
    released 2.4 returns everything for 0; the message is from a
    development branch).  A page past the end: Magento 2.3 and older
    return the last page again (#3787, "standard behaviour"); #26986 is
    labelled "Fixed in 2.4.x" (PR #26988 made such pages empty).  The
    sandbox repeats the last page (--set past_end=last, the default) or
    answers items [] (--set past_end=empty); either way total_count is the
    number of matches, and a client must stop when currentPage * pageSize
    >= total_count.  Response {"items":[],"search_criteria":{...},
    "total_count":N}; search_criteria echoes filter_groups (always),
    sort_orders, page_size and current_page when set.
10. Unknown query parameters (anything but searchCriteria and fields) and
    unknown top-level body keys: Magento ignores them; the sandbox refuses
    them with 400 '"%fieldName" is not supported...' (the strict choice
    of picqer.py's decision 7: a dropped filter must not pass a test).
    ?fields=items[sku,quantity],total_count trims the answer as
    FieldsFilter does; a malformed one is 400 (UNCONFIRMED).
11. Input limits [limits] (--set input_limit=1, the default here).
    Whether they are on is the store's setting webapi/validation/
    input_limit_enabled (IOLimitConfigProvider::isInputLimitingEnabled;
    Stores, Configuration, Services, Web Api Input Limits): always on in
    2.4.3 and 2.3.7-p1 (KB "Web API unable to process requests with more
    than 20 items in array"), off unless enabled since ([docs]
    api-security.md: "By default, these input limits are disabled").  The
    sandbox has them on unless --set input_limit=0: the strict side, as a
    client must work with a store that turned them on.  An array of more than
    max_items entities (sourceItems, filter_groups, filters, sortOrders)
    is 400 {"message":"Maximum items of type \\"%type\\" is %max",
    "parameters":{"type":"\\\\Magento\\\\InventoryApi\\\\Api\\\\Data\\\\
    SourceItemInterface","max":20}} (a LocalizedException, so 400;
    magento/magento2#34154); a pageSize above max_page_size is 400
    {"message":"Maximum SearchCriteria pageSize is %max",
    "parameters":{"max":300}}; a missing pageSize becomes
    default_page_size (echoed as page_size).
12. POST inventory/source-items [msi].  Content-Type must be
    application/json (400 "Content-Type header is empty.", "Content-Type
    header is invalid.", "UTF-8 is the only supported charset.": these
    three are Rest\\Request::getContentType's; other types 400 "Server
    cannot understand Content-Type HTTP header media type %1"; XML is not
    emulated), the body JSON (400 "Decoding error."); these two texts are
    from memory of the deserializers (UNCONFIRMED).  Body
    {"sourceItems":[{sku, source_code, quantity, status}]} (source_items
    accepted too); missing: 400 '"%fieldName" is required...'
    {"fieldName":"sourceItems"}; []: 400 "Input data is empty".  Item
    fields are converted first (quantity float, status int, sku string;
    a non-numeric value is 400 'Error occurred during "quantity"
    processing. Invalid type for value: "abc". Expected Type: "float".',
    the first such error ends the request); an unknown item field is 400
    '"%fieldName" is not supported...'.  Then every item goes through
    SourceItemValidatorChain (sku not empty, no leading or trailing
    spaces; source_code not empty, no whitespace; quantity numeric;
    status numeric and 0 or 1; the product exists) and the errors of all
    items are collected: one error is 400 {"message":"\\"%field\\" should
    be numeric.","parameters":{"field":"quantity"}}; several are 400
    {"message":"Validation Failed: <the first, rendered>","errors":[...]}.
    So quantity and status are required although the docs call them
    optional, and a negative quantity is valid (no validator forbids it).
    An unknown SKU: 'Product with requested "%field": "%value" was was not
    found.' (sic).  Nothing is saved unless every item is valid, and then
    all are saved in one INSERT ... ON DUPLICATE KEY UPDATE: an unknown
    source_code fails that statement's foreign key, 400 {"message":
    "Could not save Source Item"}, nothing saved.  A disabled source is
    accepted (no validator checks it).  The quantity is stored as
    DECIMAL(12,4): rounded to 4 decimals, and beyond 99999999.9999 the
    INSERT fails, "Could not save Source Item".  SKUs match case-sensitively
    (Magento's lookup is case-insensitive: UNCONFIRMED, the strict
    choice).  Answer: 200 [].  The status is stored as sent, never derived
    from the quantity.  Every saved item counts one write for its SKU,
    also when the quantity did not change (the strict choice: a client
    should skip unchanged SKUs, and the count shows whether it did).
13. Orders [orders][res]: states new, pending_payment, processing,
    complete, closed, canceled, holded, payment_review; status is a label
    (the seed has state processing with status "picking"): map on state.
    A configurable product is two rows: the parent (product_type
    "configurable", the child's SKU, the price, row_total and every qty_*)
    and the child (product_type "simple", parent_item_id, price 0, the
    same qty_ordered as the parent, and a "parent_item" copy of the
    parent).  A shipment raises the parent's qty_shipped only: the
    child's shipment line gets qty 0 (ShipmentFactory: a dummy whose
    parent is shipped and that has no bundle_selection_attributes) and is
    not registered, so Magento leaves the child at 0 (magento/magento2
    #26228, confirmed on 2.4-develop; qty_canceled likewise).  The seed's
    orders 2 and 15 were written before that was known and give the child
    the parent's qty_shipped (and qty_canceled); they stay so, and the
    loader accepts 0 or the parent's value.  A bundle is a "bundle" row
    and one "simple" row per selection (parent_item_id; qty_ordered = the
    selection's qty x the bundle's).  Which rows carry what was shipped
    is Order\\Item::isDummy(true) [ship]: a configurable's parent row
    (its child is the dummy); a bundle shipped together, its own row (the
    parts are dummies, raised with it); a bundle shipped separately
    (Item::isShipSeparately: its product_options shipment_type is 1,
    AbstractType::SHIPMENT_SEPARATELY), its parts' rows, while the bundle
    row is the dummy and gets a shipment line of 1, so qty_shipped 1, for
    every shipment that holds a part (decision 19).  The order row does
    not say how its bundle ships (product_options is not in the REST
    answer); the catalog product does: GET products lists a bundle's
    custom_attributes shipment_type ("0" together, "1" separately),
    price_type and sku_type ([docs] rest/tutorials/bundle-product, "Get
    store specific bundle product"), and the sandbox ships by that
    (decision 19).  Seed: SET-MUG ships together (orders 16, and 17 with
    one set of two shipped), SET-CADEAU separately (order 18: its candle
    shipped, its keychains not; the bundle row says 1 of 1 shipped).
    --generate orders=M adds SET-1 (together) and SET-2 (separately) of
    two parts each, one of them in every 7th order.  Virtual items are
    never shipped: a complete order can have qty_shipped 0 on them.  GET
    orders/{id}: a non-numeric id is 400 'Invalid type for value: "x".
    Expected Type: "int".', 0 is 400 "An ID is needed. Set the ID and
    try again.", an unknown id 404 "The entity that was requested doesn't
    exist. Verify the entity and try again.".
14. Shipments: {entity_id, increment_id, order_id, items[{order_item_id,
    sku, qty, ...}], tracks[{track_number, title, carrier_code,
    created_at, ...}], ...}; filter order_id with "in" to get the track &
    trace of a page of orders in one request.  A configurable line is
    shipped through its parent item only (ShipmentFactory marks the
    child's line isDeleted, so it is never saved; decision 19).
    Shipments made with POST order/{id}/ship are listed here at once.
15. Products: listed without stock (no extension_attributes.stock_item in
    lists: magento/magento2#36533); status 1 enabled, 2 disabled;
    configurables carry extension_attributes.configurable_product_links
    (child ids).  Source items exist only for simple, virtual and
    downloadable products in the seed, as Magento manages stock only for
    those.
16. Rate limit: none (core has no admin REST limit: RATE_LIMIT None);
    rate_limited() is the 2.4.7 backpressure answer, 429
    {"message":"Too Many Requests","trace":null}; server_error() the
    masked 500.
17. POST order/{orderId}/ship [ship]: ShipOrderInterface::execute(orderId,
    items[], notify, appendComment, comment, tracks[], packages[],
    arguments).  No body is no parameters (Rest\\Request::getBodyParams
    decodes only a non-empty body, so no Content-Type is needed then); a
    body needs Content-Type application/json (decision 12).  Top-level
    keys are the parameter names, camelCase or snake_case (orderId in the
    body is overridden by the path's); any other key: 400 "not
    supported" (the strict choice of decision 10; Magento ignores it).
    Nested keys are matched as in decision 6: items[] {order_item_id int,
    qty float, extension_attributes {}}, tracks[] {track_number, title,
    carrier_code: strings, extension_attributes {}}, comment {comment
    string, is_visible_on_front int, extension_attributes {}},
    packages[] {extension_attributes {}} (accepted and ignored:
    ShipmentDocumentFactory never uses them), arguments
    {extension_attributes {source_code}} (accepted and ignored, see
    below); an unknown nested key is 400 "not supported", a value that
    does not convert is 400 'Error occurred during "qty" processing.
    Invalid type for value: "one". Expected Type: "float".'.  notify and
    appendComment convert as filter_var(FILTER_VALIDATE_BOOLEAN): "1",
    "true", "on", "yes" are true, any other scalar false.  items, tracks
    or packages that are not arrays become null, which execute(array)
    refuses with a TypeError: 500 (UNCONFIRMED, as decision 12); a
    comment or arguments that is not an object is 400 'Invalid type...'
    (UNCONFIRMED: the strict choice).  The path's orderId: not a number
    400 'Invalid type for value: "x". Expected Type: "int".', 0 400 "An
    ID is needed. Set the ID and try again.", unknown 404 "The entity
    that was requested doesn't exist. Verify the entity and try again."
    (OrderRepository::get, before any validation).
    The answer is 200 with the new shipment's entity_id as a JSON
    *string*, e.g. "9": ShipOrder returns $shipment->getEntityId(), which
    after the INSERT is PDO's lastInsertId() (a PHP string), and
    ServiceOutputProcessor::convertValue passes scalars through unchanged
    (the api-functional test casts the result with (int)).  UNCONFIRMED
    by a captured answer; a client must accept a number or a string.
    Adobe's tutorial says only "A shipment ID, such as 3".
18. Ship: validation [ship].  The shipment is built first (decision 19),
    then ShipOrder's validator collects, in this order: CanShip (state
    payment_review, holded or canceled, or a virtual order: 'A shipment
    cannot be created when an order has a status of <status>' with the
    status label, e.g. "fraud"; otherwise no item with qty_to_ship > 0:
    "The order does not allow a shipment to be created."),
    QuantityValidator (no shipment lines, or their qty summing to 0:
    "You can't create a shipment without products."; 'The quantity to
    ship must not be greater than the unshipped quantity for product SKU
    "%1".' cannot happen, see 19), TrackValidator ("Please enter a
    tracking number." per track whose track_number is PHP-empty: missing,
    "" or "0"), and BundleShipmentTypeValidator over the order items the
    request names (decision 19).  Any message: 400 {"message":
    "Shipment Document Validation Error(s):\\n" + the messages joined by
    "\\n"} (a DocumentValidationException, a LocalizedException with
    the text already rendered, so no "parameters").  So pending_payment
    and new orders can be shipped (CanShip does not refuse them); a
    complete, closed or canceled order gets two lines.  Then the save, in
    one transaction (OrderMutex): a track whose carrier_code is
    PHP-empty fails Track\\Validator ("Carrier Code is a required
    field"), a comment without text fails Comment\\Validator, and
    ShipOrder turns either into 400 {"message":"Could not save a
    shipment, see error log for details"}; nothing is written.
    carrier_code is not checked against the store's carriers (no
    validator does): any string is stored, as is title.  carrier_code is
    varchar(32) in sales_shipment_track; longer values are stored whole
    here (UNCONFIRMED: MySQL might truncate or refuse).
19. Ship: quantities [ship].  items [] (or absent) means every
    non-virtual top-level item (and a separately shipped bundle's
    children) at qty_ordered, which ShipmentFactory then cuts to
    qty_to_ship.  Explicit items ship min(qty, qty_to_ship) each: a qty
    above what is left is silently cut, not refused (the brief expected
    a 400; ShipmentFactory::prepareItems takes the min before the
    QuantityValidator runs), an item with nothing left, a qty <= 0 or an
    order_item_id not in the order is skipped, and qty is cut to an
    integer unless the item is_qty_decimal (castQty: 1.5 ships 1, 0.5
    ships nothing).  qty_to_ship = qty_ordered - qty_shipped -
    qty_refunded - qty_canceled (at least 0), and 0 for a dummy
    (Item::isDummy(true): a configurable's child, a bundle's child when
    shipped together, a bundle row when shipped separately).  A
    configurable ships through its parent row; naming only the child row
    ships nothing ("You can't create a shipment without products.").  A
    bundle shipped together ships through the bundle row: each child
    line gets (child qty_ordered / bundle qty_ordered) x the bundle's
    qty, at most the child's own qty left; the children's qty_shipped are
    raised (OrderRegistrar registers every line with qty > 0) but their
    lines are not saved (isDeleted), and total_qty counts every line (a
    bundle of 1 with selections of 1 and 2: total_qty 4, one item line).
    Issues #38029 and #40465 report the children staying at 0 on 2.4.6
    to 2.4.8-p3: UNCONFIRMED which is right; the sandbox follows the
    code.  Naming a child row of such a bundle adds 'Cannot create
    shipment as bundle product "SET-MUG" has shipment type "Together".
    Bundle product itself should be shipped instead.'  Shipped
    separately: the children ship themselves and the bundle row gets a
    line of qty 1 whenever one of its children ships (qty 1 for a dummy
    without a shipped parent); naming the bundle row alone is "You can't
    create a shipment without products." plus '... has shipment type
    "Separately". Bundle product options should be shipped instead.'
    Whether a bundle ships separately is the order item's
    product_options.shipment_type, which the REST answer does not carry:
    the sandbox reads the catalog product's custom attribute
    shipment_type ("1" separately; absent or "0" together, Magento's
    default).  Every sandbox bundle counts as fixed-price (children are
    dummies for invoicing).  POST /V1/shipment's BundleOrderTypeValidator
    checks only paths containing "v1/shipment", so not this route.
    MSI: with Magento_InventoryShipping, a shipment also deducts the
    shipped quantities from a source (arguments.extension_attributes.
    source_code, or the default source); the sandbox does NOT emulate
    that deduction: source items are unchanged by a shipment.
20. Ship: what changes [ship].  Each line with qty > 0 raises its order
    item's qty_shipped (and updated_at).  The shipment gets the next
    entity_id and increment_id (the highest in shipments.json + 1), the
    order's customer and address ids, created_at and updated_at now
    (UTC), items (order_item_id, sku, name, price, product_id, weight,
    qty), tracks (entity fields as in shipments.json: order_id,
    parent_id, created_at, updated_at, track_number, title,
    carrier_code; weight, qty and description null), comments
    (comment, is_customer_notified = notify && appendComment,
    is_visible_on_front), packages [].  A new order becomes processing,
    status processing (ShipOrder with StateResolver's IN_PROGRESS).  The
    order's save runs State::check: unless canceled or holded, with
    nothing left to invoice (canInvoice: an item with qty_ordered -
    qty_invoiced - qty_canceled > 0): processing or complete with nothing
    to refund, nothing to ship and not virtual becomes closed;
    processing with nothing left to ship (canShip; for a bundle's
    children their own qty left) becomes complete, status complete; and
    so does processing when isPartiallyRefundedOrderShipped holds:
    total_qty_ordered <= qty_refunded of simple rows + qty_shipped of
    every row (child rows too, so a partly shipped bundle or
    configurable can complete early: Magento's rule, emulated).
    canCreditmemo compares total_paid with total_refunded; the seed has
    neither, so they are taken as row_invoiced (+ shipping once
    invoiced) and amount_refunded of the top-level rows.  A state or
    status changed by State::check adds a status history entry first in
    status_histories: {comment "", entity_name "order", status,
    is_visible_on_front 0, parent_id, created_at}; new -> processing
    (made by ShipOrder before the save) adds none.  The order's
    updated_at is now.  notify true: the shipment e-mail is sent
    (EmailSender; sales_email/shipment/enabled on and no asynchronous
    sending assumed): the sandbox records mail(customer_email,
    "shipment", order entity_id) (GET /_sandbox/mail) and the shipment
    gets email_sent 1; notify false sends nothing and email_sent is null
    (left out).  Writes (GET /_sandbox/writes): "order <entity_id>
    shipment" per shipment, "order <entity_id> track" per track; a
    refused request writes nothing.  Faults as everywhere: a slow answer
    is sent after the shipment is made.
"""

import base64
import hashlib
import hmac
import json
import math
import os
import random
import re
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, unquote, unquote_plus

from sandbox import (PlatformBase, Reject, Response, SetupError, is_int,
                     json_bytes, load_array, valid_time)

API_KEY = "sandbox-token"       # the integration's access token
RATE_LIMIT = None               # core Magento has no admin REST rate limit
SETTINGS = {
    "bearer": "0",
    "consumer_key": "sandbox-consumer-key",
    "consumer_secret": "sandbox-consumer-secret",
    "token_secret": "sandbox-token-secret",
    "input_limit": "1",
    "max_items": "20",
    "default_page_size": "20",
    "max_page_size": "300",
    "past_end": "last",
    "oauth_url": "normalised",
}

DEFAULT_STATUS = {"new": "pending", "pending_payment": "pending_payment",
                  "processing": "processing", "complete": "complete",
                  "closed": "closed", "canceled": "canceled",
                  "holded": "holded", "payment_review": "payment_review"}
ORDER_STATES = ("new", "pending_payment", "processing", "complete", "closed",
                "canceled", "holded", "payment_review")
PRODUCT_TYPES = ("simple", "configurable", "virtual", "bundle", "grouped",
                 "downloadable")
STOCK_TYPES = ("simple", "virtual", "downloadable")
PARENT_TYPES = ("configurable", "bundle")
DATETIME_RE = re.compile(r"\A\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")
DATE_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
NUMBER_RE = re.compile(r"\A[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)"
                       r"([eE][+-]?\d+)?[ \t\n\r\v\f]*\Z")
INT_RE = re.compile(r"\A-?\d+\Z")
JSON_TYPE = "application/json; charset=utf-8"

T_SOURCE_ITEM = "\\Magento\\InventoryApi\\Api\\Data\\SourceItemInterface"
T_FILTER_GROUP = "\\Magento\\Framework\\Api\\Search\\FilterGroup"
T_FILTER = "\\Magento\\Framework\\Api\\Filter"
T_SORT_ORDER = "\\Magento\\Framework\\Api\\SortOrder"

NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."
NOT_SUPPORTED = "\"%fieldName\" is not supported. Correct the field name " \
                "and try again."
REQUIRED = "\"%fieldName\" is required. Enter and try again."
INVALID_VALUE = "Invalid value of \"%value\" provided for the %fieldName " \
                "field."
NO_ENTITY = "The entity that was requested doesn't exist. Verify the " \
            "entity and try again."

# Field types per table, for filters and sorting (decisions 7 and 8).
ORDER_FIELDS = {
    "entity_id": "int", "increment_id": "text", "state": "text",
    "status": "text", "created_at": "date", "updated_at": "date",
    "customer_email": "text", "customer_firstname": "text",
    "customer_lastname": "text", "customer_id": "int",
    "customer_is_guest": "int", "customer_group_id": "int",
    "grand_total": "num", "base_grand_total": "num", "subtotal": "num",
    "base_subtotal": "num", "shipping_amount": "num",
    "order_currency_code": "text", "base_currency_code": "text",
    "store_id": "int", "total_qty_ordered": "num", "total_item_count": "int",
    "is_virtual": "int", "shipping_description": "text", "quote_id": "int",
    "total_due": "num", "weight": "num",
}
SHIPMENT_FIELDS = {
    "entity_id": "int", "increment_id": "text", "order_id": "int",
    "created_at": "date", "updated_at": "date", "store_id": "int",
    "total_qty": "num", "customer_id": "int", "email_sent": "int",
    "billing_address_id": "int", "shipping_address_id": "int",
}
PRODUCT_FIELDS = {
    "entity_id": "int", "sku": "text", "name": "text", "type_id": "text",
    "status": "int", "visibility": "int", "price": "num",
    "created_at": "date", "updated_at": "date", "attribute_set_id": "int",
    "weight": "num",
}
SOURCE_FIELDS = {
    "source_code": "text", "name": "text", "enabled": "int",
    "description": "text", "latitude": "num", "longitude": "num",
    "country_id": "text", "region_id": "int", "region": "text",
    "city": "text", "street": "text", "postcode": "text", "email": "text",
    "contact_name": "text", "phone": "text",
}
SOURCE_ITEM_FIELDS = {"sku": "text", "source_code": "text",
                      "quantity": "num", "status": "int"}


# ------------------------------------------------------------ answers

def mg_response(status, obj, headers=None):
    return Response(status, json_bytes(obj), JSON_TYPE, headers)


def mg_error(status, message, parameters=None, errors=None):
    body = {"message": message}
    if errors:
        body["errors"] = errors
    if parameters:
        body["parameters"] = parameters
    return mg_response(status, body)


def reject(status, message, parameters=None, errors=None):
    return Reject(mg_error(status, message, parameters, errors))


def internal_error():
    """What maskException makes of an exception that is not a
    LocalizedException in production mode (an SQL error, say)."""
    report = "webapi-%013x" % int(time.time() * 1e6)
    return reject(500, "Internal Error. Details are available in Magento "
                  "log file. Report ID: %s" % report)


def no_route():
    return reject(404, "Request does not match any route.")


def not_supported(key):
    return reject(400, NOT_SUPPORTED, {"fieldName": upper_camel(key)})


def invalid_value(field, value):
    return reject(400, INVALID_VALUE, {"fieldName": field, "value": value})


def upper_camel(key):
    """SimpleDataObjectConverter::snakeCaseToUpperCamelCase."""
    return "".join(w[:1].upper() + w[1:] for w in str(key).split("_"))


def render(message, params):
    """A Magento phrase with its %name / %1 placeholders filled in."""
    if isinstance(params, dict):
        for k in sorted(params, key=len, reverse=True):
            message = message.replace("%" + k, str(params[k]))
    elif isinstance(params, list):
        for i in range(len(params), 0, -1):
            message = message.replace("%%%d" % i, str(params[i - 1]))
    return message


def type_error(what, value, expected):
    """SerializationException wrapped by _createFromArray and rendered by
    ServiceInputProcessor::process (decision 9 and 12)."""
    if isinstance(value, (list, dict)):
        shown = "array"
    elif value is True:
        shown = "1"
    elif value is False:
        shown = ""
    else:
        shown = php_str(value)
    return reject(400, 'Error occurred during "%s" processing. Invalid type '
                  'for value: "%s". Expected Type: "%s".'
                  % (what, shown, expected))


# ------------------------------------------------------------ PHP helpers

def php_num(v):
    """A number as json_encode writes a PHP float: 10.0 as 10."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def php_str(v):
    if v is None:
        return ""
    if isinstance(v, float):
        v = php_num(v)
        return repr(v) if isinstance(v, float) else str(v)
    return str(v)


def normalise(obj):
    """Whole floats to ints, recursively (decision 5)."""
    if isinstance(obj, dict):
        return {k: normalise(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [normalise(v) for v in obj]
    return php_num(obj)


def is_numeric(v):
    """PHP's is_numeric for the JSON values a request can carry."""
    if isinstance(v, bool) or v is None:
        return False
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, str) and bool(NUMBER_RE.match(v))


def php_trim(s):
    return s.strip(" \t\n\r\0\x0b")


def php_empty(v):
    """PHP's empty() for a converted string (or null): "0" is empty."""
    return v is None or v == "" or v == "0"


def php_bool(key, v):
    """TypeProcessor::setType for bool: filter_var(FILTER_VALIDATE_BOOLEAN);
    anything but an array converts."""
    if isinstance(v, (list, dict)):
        raise type_error(key, v, "bool")
    if isinstance(v, bool):
        return v
    return php_str(v).strip().lower() in ("1", "true", "on", "yes")


def rawurlencode(s):
    return quote(s if isinstance(s, str) else php_str(s), safe="~")


def parse_query(query):
    """The query string as PHP's parse_str nests it: a dict of dicts and
    strings, keys in the order first sent, a[]=v appending."""
    root = {}
    if not query:
        return root
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        name = unquote_plus(name)
        value = unquote_plus(value)
        m = re.match(r"([^\[]*)((?:\[[^\]]*\])*)", name)
        base, rest = m.group(1), m.group(2)
        if not base:
            continue
        keys = [base] + re.findall(r"\[([^\]]*)\]", rest)
        node = root
        for i, k in enumerate(keys):
            last = i == len(keys) - 1
            if k == "":
                nums = [int(x) for x in node if x.isdigit()]
                k = str(max(nums) + 1) if nums else "0"
            if last:
                node[k] = value
            else:
                if not isinstance(node.get(k), dict):
                    node[k] = {}
                node = node[k]
    return root


# ------------------------------------------------------------ OAuth 1.0a

def oauth_header_params(header):
    """Oauth\\Helper\\Request::_processHeader: None when the header is not
    OAuth at all, else the oauth_* parameters it carries."""
    if not header:
        return None
    pos = header.lower().find("oauth ")
    if pos < 0:
        return None
    out = {}
    for piece in header[pos + 6:].split(","):
        name, eq, value = piece.strip().partition("=")
        if not eq or not re.search(r"oauth_[a-z_-]+", name):
            continue
        out[unquote(name)] = unquote(value.strip('"'))
    return out


UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]")


def remove_dot_segments(path):
    """RFC 3986 5.2.4, as laminas-uri's removePathDotSegments does it."""
    out = []
    segs = path.split("/")
    for i, seg in enumerate(segs):
        if seg == ".":
            if i == len(segs) - 1:
                out.append("")
        elif seg == "..":
            if len(out) > 1:
                out.pop()
            if i == len(segs) - 1:
                out.append("")
        else:
            out.append(seg)
    return "/".join(out)


def oauth_request_url(host, target, normalised):
    """The URL whose scheme, host and path go into the base string
    (decision 4): Request::getRequestUrl from the Host header and the
    request target, then normaliseBaseSignatureUrl when normalised."""
    path, mark, query = target.partition("?")
    if normalised:
        name, colon, port = host.rpartition(":") if not host.endswith("]") \
            else (host, "", "")
        if not colon or not port.isdigit() and port != "":
            name, colon, port = host, "", ""
        if port == "" or int(port) == 80:
            host = name.lower()
        else:
            host = name.lower() + ":" + port
        path = re.sub(r"%[0-9A-Fa-f]{2}", lambda m: (
            unquote(m.group(0)) if UNRESERVED.match(unquote(m.group(0)))
            else m.group(0).upper()), remove_dot_segments(path))
    return "http://" + host + path + mark + query


def oauth_base_string(method, url, params):
    """Helper/Signature/Hmac.php::createBaseString: the URL's query joins
    the parameters (parse_str values over the raw ones, nested arrays
    dropped), sorted by decoded name (decision 4)."""
    path, _, query = url.partition("?")
    merged = dict(params)
    for part in query.split("&") if query else []:
        pieces = part.split("=")
        if len(pieces) == 2 and not re.search(r"oauth_[a-z_-]+",
                                                  pieces[0]):
            merged[unquote(pieces[0])] = unquote(pieces[1])
    # parse_str's values win for names without brackets (array_merge).
    for name, value in parse_query(query).items():
        if isinstance(value, str):
            merged[name] = value
    merged.pop("oauth_signature", None)
    pairs = ["%s=%s" % (rawurlencode(k), rawurlencode(merged[k]))
             for k in sorted(merged, key=lambda k: k.encode("utf-8"))]
    return "&".join([method.upper(), rawurlencode(path),
                     rawurlencode("&".join(pairs))])


def oauth_signature(base, consumer_secret, token_secret):
    key = "%s&%s" % (rawurlencode(consumer_secret), rawurlencode(token_secret))
    digest = hmac.new(key.encode("utf-8"), base.encode("utf-8"),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


# ------------------------------------------------------------ tables

class Table:
    """Rows in primary-key order with equality indexes on some fields, so
    a filter on sku or source_code is answered without a scan."""

    def __init__(self, rows, fields, indexed=(), value=None):
        self.rows = rows
        self.fields = fields
        self.value = value or (lambda row, f: row.get(f))
        self.indexes = {f: {} for f in indexed}
        for pos, row in enumerate(rows):
            self.index(pos, row)

    def index(self, pos, row):
        for f, idx in self.indexes.items():
            idx.setdefault(self.key(f, self.value(row, f)), []).append(pos)

    def key(self, field, v):
        if self.fields[field] == "text":
            return None if v is None else str(v)
        return v

    def append(self, row):
        self.rows.append(row)
        self.index(len(self.rows) - 1, row)

    def candidates(self, group):
        """Row positions a filter group can match, from an index, or None
        when the group needs a scan."""
        positions = set()
        for f in group:
            field, cond = f["field"], f["cond"]
            if field not in self.indexes or cond not in ("eq", "in") or \
                    f["value"] is None:
                return None
            values = f["value"].split(",") if cond == "in" else [f["value"]]
            if self.fields[field] != "text":
                if not all(INT_RE.match(v) for v in values):
                    return None
                values = [int(v) for v in values]
            for v in values:
                positions.update(self.indexes[field].get(v, ()))
        return positions


# ------------------------------------------------------------ the platform

class Platform(PlatformBase):
    name = "magento"

    def __init__(self, data_dir, generate, seed, api_key, settings=None):
        self.data_dir = data_dir
        self.generate = dict(generate)
        self.seed = seed
        self.api_key = api_key
        s = dict(SETTINGS)
        s.update(settings or {})
        for name in ("bearer", "input_limit"):
            if s[name] not in ("0", "1"):
                raise SetupError("--set %s=%s: must be 0 or 1"
                                 % (name, s[name]))
        for name in ("max_items", "default_page_size", "max_page_size"):
            if not s[name].isdigit() or int(s[name]) < 1:
                raise SetupError("--set %s=%s: must be an integer >= 1"
                                 % (name, s[name]))
        if s["past_end"] not in ("last", "empty"):
            raise SetupError("--set past_end=%s: must be last or empty"
                             % s["past_end"])
        if s["oauth_url"] not in ("normalised", "as_sent"):
            raise SetupError("--set oauth_url=%s: must be normalised or "
                             "as_sent" % s["oauth_url"])
        self.oauth_url = s["oauth_url"]
        for name in ("consumer_key", "consumer_secret", "token_secret"):
            if not s[name]:
                raise SetupError("--set %s: must not be empty" % name)
        self.bearer = s["bearer"] == "1"
        self.consumer_key = s["consumer_key"]
        self.consumer_secret = s["consumer_secret"]
        self.token_secret = s["token_secret"]
        self.input_limit = s["input_limit"] == "1"
        self.max_items = int(s["max_items"])
        self.default_page_size = int(s["default_page_size"])
        self.max_page_size_set = int(s["max_page_size"])
        self.past_end = s["past_end"]
        unknown = set(self.generate) - {"products", "orders"}
        if unknown:
            raise SetupError("--generate: magento has no %s (it knows "
                             "orders, products)" % ", ".join(sorted(unknown)))
        self.reset()

    # ---- data

    def reset(self):
        self.max_page_size = self.max_page_size_set
        d = self.data_dir
        sources = load_array(d, "sources.json")
        if not sources and not (d and _exists(d, "sources.json")):
            sources = [make_source("default", "Default Source", True,
                                   "US", "00000")]
        products = load_array(d, "products.json")
        items = load_array(d, "source_items.json")
        orders = load_array(d, "orders.json")
        shipments = load_array(d, "shipments.json")
        if self.generate:
            products, items, orders, shipments = generate_data(
                self.generate, self.seed, sources, products, items, orders,
                shipments)
        self.load(sources, products, items, orders, shipments)
        self.nonces = set()
        self.write_counts = {}
        self.stock_history = []

    def load(self, sources, products, items, orders, shipments):
        # Sources.
        self.sources = {}
        for s in sources:
            code = s.get("source_code")
            where = "sources.json: source %r" % (code,)
            if not isinstance(code, str) or not code or \
                    re.search(r"\s", code) or code in self.sources:
                raise SetupError("%s: source_code must be a unique non-empty "
                                 "string without whitespace" % where)
            if not isinstance(s.get("name"), str) or not s["name"]:
                raise SetupError("%s: name must be a non-empty string" % where)
            if not isinstance(s.get("enabled"), bool):
                raise SetupError("%s: enabled must be true or false" % where)
            self.sources[code] = normalise(s)
        if "default" not in self.sources or \
                not self.sources["default"]["enabled"]:
            raise SetupError("sources.json: the source \"default\" must exist "
                             "and be enabled (Magento cannot disable it)")
        self.source_table = Table(
            [self.sources[c] for c in sorted(self.sources)], SOURCE_FIELDS,
            value=lambda r, f: int(r["enabled"]) if f == "enabled"
            else r.get(f))

        # Products.
        self.products = {}
        by_sku = {}
        for p in products:
            pid = p.get("id")
            where = "products.json: product %r" % (pid,)
            if type(pid) is not int or pid < 1 or pid in self.products:
                raise SetupError("%s: id must be a unique positive integer"
                                 % where)
            sku = p.get("sku")
            if not isinstance(sku, str) or not sku or php_trim(sku) != sku:
                raise SetupError("%s: sku must be a non-empty string without "
                                 "leading or trailing spaces" % where)
            if sku in by_sku:
                raise SetupError("%s: sku %r is also product %r's"
                                 % (where, sku, by_sku[sku]["id"]))
            if p.get("type_id") not in PRODUCT_TYPES:
                raise SetupError("%s: type_id %r is not one of %s" % (
                    where, p.get("type_id"), ", ".join(PRODUCT_TYPES)))
            if p.get("status") not in (1, 2):
                raise SetupError("%s: status must be 1 (enabled) or 2 "
                                 "(disabled)" % where)
            if p.get("visibility") not in (1, 2, 3, 4):
                raise SetupError("%s: visibility must be 1, 2, 3 or 4" % where)
            if not isinstance(p.get("name"), str):
                raise SetupError("%s: name must be a string" % where)
            for f in ("created_at", "updated_at"):
                if not valid_time(p.get(f), DATETIME_RE, "%Y-%m-%d %H:%M:%S"):
                    raise SetupError("%s: %s must be \"YYYY-MM-DD HH:MM:SS\""
                                     % (where, f))
            p = dict(p)             # only these hold floats
            for f in ("price", "weight"):
                if f in p:
                    p[f] = php_num(p[f])
            self.products[pid] = p
            by_sku[sku] = p
        for p in self.products.values():
            links = p.get("extension_attributes", {}).get(
                "configurable_product_links")
            if p["type_id"] == "configurable":
                if not isinstance(links, list) or not links:
                    raise SetupError("products.json: product %r: a "
                                     "configurable product needs extension_"
                                     "attributes.configurable_product_links"
                                     % p["id"])
                for cid in links:
                    child = self.products.get(cid)
                    if child is None or child["type_id"] not in STOCK_TYPES:
                        raise SetupError("products.json: product %r: "
                                         "configurable_product_links %r is "
                                         "not a simple product" % (p["id"],
                                                                   cid))
            elif links is not None:
                raise SetupError("products.json: product %r: only a "
                                 "configurable product has configurable_"
                                 "product_links" % p["id"])
        self.by_sku = by_sku
        self.product_table = Table(
            [self.products[i] for i in sorted(self.products)], PRODUCT_FIELDS,
            indexed=("sku",),
            value=lambda r, f: r["id"] if f == "entity_id" else r.get(f))

        # Source items.
        rows = []
        self.items_by_key = {}
        for n, si in enumerate(items):
            where = "source_items.json: item %d (%r at %r)" % (
                n, si.get("sku"), si.get("source_code"))
            unknown = set(si) - {"sku", "source_code", "quantity", "status"}
            if unknown:
                raise SetupError("%s: unknown field(s) %s" % (
                    where, ", ".join(sorted(unknown))))
            p = by_sku.get(si.get("sku"))
            if p is None:
                raise SetupError("%s: sku is not in products.json" % where)
            if p["type_id"] not in STOCK_TYPES:
                raise SetupError("%s: a %s product has no source items"
                                 % (where, p["type_id"]))
            if si.get("source_code") not in self.sources:
                raise SetupError("%s: source_code is not in sources.json"
                                 % where)
            q = si.get("quantity")
            if isinstance(q, bool) or not isinstance(q, (int, float)):
                raise SetupError("%s: quantity must be a number" % where)
            if si.get("status") not in (0, 1):
                raise SetupError("%s: status must be 0 or 1" % where)
            key = (si["sku"], si["source_code"])
            if key in self.items_by_key:
                raise SetupError("%s: a second item for this sku and source"
                                 % where)
            row = {"sku": si["sku"], "source_code": si["source_code"],
                   "quantity": php_num(float(q)), "status": si["status"]}
            rows.append(row)
            self.items_by_key[key] = row
        self.item_table = Table(rows, SOURCE_ITEM_FIELDS,
                                indexed=("sku", "source_code"))

        # Orders.
        self.orders = {}
        item_ids = {}
        increment_ids = set()
        for o in orders:
            oid = o.get("entity_id")
            where = "orders.json: order %r" % (oid,)
            if type(oid) is not int or oid < 1 or oid in self.orders:
                raise SetupError("%s: entity_id must be a unique positive "
                                 "integer" % where)
            inc = o.get("increment_id")
            if not isinstance(inc, str) or not inc or inc in increment_ids:
                raise SetupError("%s: increment_id must be a unique non-empty "
                                 "string" % where)
            increment_ids.add(inc)
            if o.get("state") not in ORDER_STATES:
                raise SetupError("%s: state %r is not one of %s" % (
                    where, o.get("state"), ", ".join(ORDER_STATES)))
            if not isinstance(o.get("status"), str) or not o["status"]:
                raise SetupError("%s: status must be a non-empty string"
                                 % where)
            for f in ("created_at", "updated_at"):
                if not valid_time(o.get(f), DATETIME_RE, "%Y-%m-%d %H:%M:%S"):
                    raise SetupError("%s: %s must be \"YYYY-MM-DD HH:MM:SS\" "
                                     "(UTC)" % (where, f))
            if o["updated_at"] < o["created_at"]:
                raise SetupError("%s: updated_at is before created_at" % where)
            lines = o.get("items")
            if not isinstance(lines, list) or not lines:
                raise SetupError("%s: items must be a non-empty array" % where)
            mine = {}
            for it in lines:
                iid = it.get("item_id")
                iw = "%s: item %r" % (where, iid)
                if type(iid) is not int or iid in item_ids:
                    raise SetupError("%s: item_id must be an integer unique "
                                     "among all orders" % iw)
                item_ids[iid] = oid
                mine[iid] = it
                if not isinstance(it.get("sku"), str) or not it["sku"]:
                    raise SetupError("%s: sku must be a non-empty string" % iw)
                if it.get("product_type") not in PRODUCT_TYPES:
                    raise SetupError("%s: product_type %r is not one of %s" % (
                        iw, it.get("product_type"), ", ".join(PRODUCT_TYPES)))
                qty = {}
                for f in ("qty_ordered", "qty_shipped", "qty_invoiced",
                          "qty_canceled", "qty_refunded"):
                    v = it.get(f)
                    if isinstance(v, bool) or not isinstance(v, (int, float)) \
                            or v < 0:
                        raise SetupError("%s: %s must be a number >= 0"
                                         % (iw, f))
                    qty[f] = v
                if qty["qty_shipped"] + qty["qty_canceled"] > \
                        qty["qty_ordered"] or qty["qty_refunded"] > \
                        qty["qty_invoiced"] or qty["qty_invoiced"] > \
                        qty["qty_ordered"]:
                    raise SetupError("%s: qty_shipped + qty_canceled and "
                                     "qty_invoiced must not exceed "
                                     "qty_ordered, nor qty_refunded "
                                     "qty_invoiced" % iw)
                if not isinstance(it.get("price"), (int, float)):
                    raise SetupError("%s: price must be a number" % iw)
            for it in lines:
                parent = it.get("parent_item_id")
                if parent is None:
                    continue
                pw = "%s: item %r" % (where, it["item_id"])
                if parent not in mine or \
                        mine[parent]["product_type"] not in PARENT_TYPES:
                    raise SetupError("%s: parent_item_id %r is not a "
                                     "configurable or bundle item of this "
                                     "order" % (pw, parent))
                # Magento leaves the child's qty_shipped at 0 (decision
                # 13); the seed's first orders give it the parent's.
                if mine[parent]["product_type"] == "configurable" and (
                        it["sku"] != mine[parent]["sku"] or
                        it["qty_ordered"] != mine[parent]["qty_ordered"] or
                        it["qty_shipped"] not in (
                            0, mine[parent]["qty_shipped"])):
                    raise SetupError("%s: a configurable's child has the "
                                     "parent's sku and qty_ordered, and "
                                     "qty_shipped 0 or the parent's" % pw)
            self.orders[oid] = self.order_json(normalise(o))
        self.order_items = item_ids
        self.order_table = Table(
            [self.orders[i] for i in sorted(self.orders)], ORDER_FIELDS,
            indexed=("entity_id",))

        # Shipments.
        self.shipments = {}
        shipped = {}
        for sh in shipments:
            sid = sh.get("entity_id")
            where = "shipments.json: shipment %r" % (sid,)
            if type(sid) is not int or sid < 1 or sid in self.shipments:
                raise SetupError("%s: entity_id must be a unique positive "
                                 "integer" % where)
            order = self.orders.get(sh.get("order_id"))
            if order is None:
                raise SetupError("%s: order_id %r is not in orders.json"
                                 % (where, sh.get("order_id")))
            for f in ("created_at", "updated_at"):
                if not valid_time(sh.get(f), DATETIME_RE, "%Y-%m-%d %H:%M:%S"):
                    raise SetupError("%s: %s must be \"YYYY-MM-DD HH:MM:SS\""
                                     % (where, f))
            for it in sh.get("items", []):
                oi = it.get("order_item_id")
                if self.order_items.get(oi) != order["entity_id"]:
                    raise SetupError("%s: order_item_id %r is not an item of "
                                     "order %r" % (where, oi,
                                                   order["entity_id"]))
                shipped[oi] = shipped.get(oi, 0) + it.get("qty", 0)
            for t in sh.get("tracks", []):
                if not isinstance(t.get("track_number"), str) or \
                        not isinstance(t.get("carrier_code"), str):
                    raise SetupError("%s: a track needs track_number and "
                                     "carrier_code strings" % where)
            self.shipments[sid] = normalise(sh)
        for o in self.orders.values():
            for it in o["items"]:
                if it.get("parent_item_id") is not None:
                    continue
                if php_num(float(shipped.get(it["item_id"], 0))) != \
                        it["qty_shipped"]:
                    raise SetupError(
                        "orders.json: order %r: item %r: qty_shipped %r is "
                        "not the quantity in shipments.json (%r)" % (
                            o["entity_id"], it["item_id"], it["qty_shipped"],
                            shipped.get(it["item_id"], 0)))
        self.shipment_table = Table(
            [self.shipments[i] for i in sorted(self.shipments)],
            SHIPMENT_FIELDS, indexed=("order_id",))
        # The next auto-increment values of the sales tables.
        sh = list(self.shipments.values())
        self.next_id = {
            "shipment": max(self.shipments, default=0) + 1,
            "shipment_item": max((i.get("entity_id", 0) for s in sh
                                  for i in s.get("items", [])),
                                 default=0) + 1,
            "track": max((t.get("entity_id", 0) for s in sh
                          for t in s.get("tracks", [])), default=0) + 1,
            "comment": max((c.get("entity_id", 0) for s in sh
                            for c in s.get("comments", [])), default=0) + 1,
            "history": max((h.get("entity_id", 0)
                            for o in self.orders.values()
                            for h in o.get("status_histories", [])),
                           default=0) + 1,
            "increment": max((int(s["increment_id"]) for s in sh
                              if str(s.get("increment_id", "")).isdigit()),
                             default=0) + 1,
        }

    @staticmethod
    def order_json(o):
        """What Magento adds when it loads an order: order_id on items, the
        parent_item copy on a child, and the items again in
        extension_attributes.shipping_assignments."""
        items = o["items"]
        by_id = {it["item_id"]: it for it in items}
        for it in items:
            it.setdefault("order_id", o["entity_id"])
        for it in items:
            if it.get("parent_item_id") is not None:
                it["parent_item"] = dict(by_id[it["parent_item_id"]])
        ext = o.setdefault("extension_attributes", {})
        for sa in ext.get("shipping_assignments", []):
            sa.setdefault("items", items)
        return o

    # ---- the hooks sandbox.py calls

    def authenticate(self, req):
        try:
            route = self.preroute(req)
        except Reject as r:
            req.mg_pre = r.response
            route = None
        header = req.header("Authorization")
        if header is None:
            return "missing", None
        parts = header.split(" ")
        if len(parts) == 2 and parts[0].lower() == "bearer":
            if parts[1] == self.api_key and self.bearer:
                return "ok", self.api_key
            return "bad", None
        params = oauth_header_params(header)
        if params is None or not params and not any(
                len(part.split("=")) == 2 for part in req.query.split("&")):
            return "bad", None          # not an OAuth request: a guest
        err = self.check_oauth(req, params, dry=route is None)
        if err is None:
            return "ok", self.api_key
        req.mg_auth = err
        return "bad", None

    def check_oauth(self, req, p, dry):
        """Magento's validateAccessTokenRequest (decision 4): None when the
        request is signed right, else the Response Magento gives.  dry:
        the route did not match, so Magento would not get this far;
        nothing is recorded."""
        if "oauth_version" in p and p["oauth_version"] != "1.0":
            return mg_error(400, "The \"%1\" Oauth version isn't supported.",
                            [p["oauth_version"]])
        missing = [f for f in ("oauth_consumer_key", "oauth_signature",
                               "oauth_signature_method", "oauth_nonce",
                               "oauth_timestamp", "oauth_token")
                   if f not in p]
        if len(missing) == 1:
            return mg_error(400, REQUIRED, {"fieldName": missing[0]})
        if missing:
            return mg_error(400, "One or more input exceptions have "
                            "occurred.", errors=[
                                {"message": REQUIRED,
                                 "parameters": {"fieldName": f}}
                                for f in missing])
        if p["oauth_signature_method"] != "HMAC-SHA256":
            return mg_error(400, "Signature method %1 is not supported",
                            [p["oauth_signature_method"]])
        if p["oauth_consumer_key"] != self.consumer_key:
            return mg_error(401, "A consumer having the specified key does "
                            "not exist")
        m = re.match(r"\s*[+-]?\d+", p["oauth_timestamp"])
        ts = int(m.group(0)) if m else 0
        if ts <= 0 or ts > time.time() + 600:
            return mg_error(401, "An error occurred validating the nonce")
        if p["oauth_nonce"] in self.nonces:
            return mg_error(401, "The nonce is already being used by the "
                            "consumer with ID %1", ["1"])
        if not dry:
            self.nonces.add(p["oauth_nonce"])
        if p["oauth_token"] != self.api_key:
            return mg_error(401, "Specified token does not exist")
        url = oauth_request_url(req.header("Host") or "", req.target,
                                self.oauth_url == "normalised")
        base = oauth_base_string(req.method, url, p)
        want = oauth_signature(base, self.consumer_secret, self.token_secret)
        if not hmac.compare_digest(want, p["oauth_signature"]):
            return mg_error(401, "The signature is invalid. Verify and try "
                            "again.")
        return None

    def unauthorized(self, req, state):
        pre = getattr(req, "mg_pre", None)
        if pre is not None:
            return pre
        err = getattr(req, "mg_auth", None)
        if err is not None:
            return err
        _, _, resource = self.preroute(req)
        return mg_error(401, NOT_AUTHORIZED, {"resources": resource})

    def rate_headers(self, limit, remaining):
        return []

    def rate_limited(self, limit):
        return mg_response(429, {"message": "Too Many Requests",
                                 "trace": None})

    def server_error(self):
        try:
            raise internal_error()
        except Reject as r:
            return r.response

    def check(self, req):
        return None

    def state(self):
        return {
            "sources": [self.sources[c] for c in sorted(self.sources)],
            "source_items": list(self.item_table.rows),
            "stockhistory": self.stock_history,
            "writes": self.writes(),
        }

    # ---- routing

    ROUTES = {
        ("GET", "orders"): ("list_orders", "Magento_Sales::actions_view"),
        ("GET", "orders/:id"): ("get_order", "Magento_Sales::actions_view"),
        ("GET", "shipments"): ("list_shipments", "Magento_Sales::shipment"),
        ("GET", "products"): ("list_products", "Magento_Catalog::products"),
        ("GET", "inventory/sources"): ("list_sources",
                                       "Magento_InventoryApi::source"),
        ("GET", "inventory/source-items"): ("list_source_items",
                                            "Magento_InventoryApi::source"),
        ("POST", "inventory/source-items"): (
            "save_source_items",
            "Magento_InventoryApi::stock_source_item_assign"),
        ("POST", "order/:id/ship"): ("ship_order", "Magento_Sales::ship"),
    }

    def preroute(self, req):
        """(handler name, path arguments, ACL resource), or Reject with
        Magento's 400 or 404 (decision 1)."""
        cached = getattr(req, "mg_route", None)
        if cached is not None:
            return cached
        if req.method not in ("GET", "POST", "PUT", "DELETE"):
            raise reject(400, "Request method is invalid.")
        if not req.path.startswith("/rest/"):
            raise no_route()
        parts = req.path[len("/rest/"):].split("/", 1)
        if parts[0] in ("default", "all"):
            path = "/" + (parts[1] if len(parts) > 1 else "")
        else:
            path = "/" + "/".join(parts)
        segs = path.strip("/").split("/")
        if len(segs) < 2 or segs[0] != "V1":
            raise no_route()
        rest = segs[1:]
        args = []
        key = "/".join(rest)
        if len(rest) == 2 and rest[0] == "orders" and rest[1] != "items":
            key = "orders/:id"
            args = [unquote_plus(rest[1])]
        elif len(rest) == 3 and rest[0] == "order" and rest[2] == "ship":
            key = "order/:id/ship"
            args = [unquote_plus(rest[1])]
        found = self.ROUTES.get((req.method, key))
        if found is None:
            raise no_route()
        req.mg_route = (found[0], args, found[1])
        return req.mg_route

    def route(self, req):
        name, args, _ = self.preroute(req)
        return getattr(self, name)(req, *args)

    # ---- query strings

    def query(self, req, criteria):
        """The parsed query: searchCriteria (criteria: "required",
        "optional" or None) and fields; anything else refused."""
        q = parse_query(req.query)
        sc = None
        fields = None
        for k, v in q.items():
            if k in ("searchCriteria", "search_criteria") and criteria:
                sc = v
            elif k == "fields":
                fields = parse_fields(v)
            else:
                raise not_supported(k)
        if criteria == "required" and sc is None:
            raise reject(400, REQUIRED, {"fieldName": "searchCriteria"})
        return sc, fields

    def check_array(self, items, type_name):
        if self.input_limit and len(items) > self.max_items:
            raise reject(400, "Maximum items of type \"%type\" is %max",
                         {"type": type_name, "max": self.max_items})

    def criteria(self, node):
        """searchCriteria as ServiceInputProcessor builds it (decision 6)."""
        sc = {"groups": [], "sorts": None, "page_size": None,
              "current_page": None}
        if node is None:                # an optional one not sent: all
            return sc
        if not isinstance(node, dict):
            node = {}
        for key, value in node.items():
            norm = key.replace("_", "").lower()
            if norm == "filtergroups":
                groups = self.as_array(key, value, T_FILTER_GROUP)
                for g in groups:
                    sc["groups"].append(self.filter_group(g))
            elif norm == "sortorders":
                sorts = self.as_array(key, value, T_SORT_ORDER)
                sc["sorts"] = [self.sort_order(s) for s in sorts]
            elif norm in ("pagesize", "currentpage"):
                if not isinstance(value, str) or not is_numeric(value):
                    raise type_error(key, value, "int")
                n = int(float(value))
                if norm == "pagesize":
                    if n < 1:
                        raise reject(400, "Minimum SearchCriteria pageSize "
                                     "is %min", {"min": 1})
                    if self.input_limit and n > self.max_page_size:
                        raise reject(400, "Maximum SearchCriteria pageSize "
                                     "is %max", {"max": self.max_page_size})
                    sc["page_size"] = n
                else:
                    sc["current_page"] = n
            else:
                raise not_supported(key)
        if sc["page_size"] is None and self.input_limit:
            sc["page_size"] = self.default_page_size
        return sc

    def as_array(self, key, value, type_name):
        """An array of entities; anything else is null, as convertValue
        makes it (so searchCriteria[filter_groups]= means no filters)."""
        if not isinstance(value, dict):
            return []
        items = list(value.values())
        self.check_array(items, type_name)
        return items

    def filter_group(self, node):
        filters = []
        if not isinstance(node, dict):
            return filters
        for key, value in node.items():
            if key.replace("_", "").lower() != "filters":
                raise not_supported(key)
            for f in self.as_array(key, value, T_FILTER):
                filters.append(self.filter(f))
        return filters

    @staticmethod
    def filter(node):
        f = {"field": None, "value": None, "cond": None}
        if not isinstance(node, dict):
            return f
        for key, value in node.items():
            norm = key.replace("_", "").lower()
            slot = {"field": "field", "value": "value",
                    "conditiontype": "cond"}.get(norm)
            if slot is None:
                raise not_supported(key)
            if not isinstance(value, str):
                raise type_error(key, value, "string")
            f[slot] = value
        return f

    @staticmethod
    def sort_order(node):
        s = {"field": None, "direction": None}
        if not isinstance(node, dict):
            return s
        for key, value in node.items():
            norm = key.replace("_", "").lower()
            if norm not in ("field", "direction"):
                raise not_supported(key)
            if not isinstance(value, str):
                if norm == "direction":
                    raise reject(400, "The sort order has to be specified as "
                                 "a string, got %1.", ["array"])
                raise type_error(key, value, "string")
            if norm == "direction":
                if value.upper() not in ("ASC", "DESC"):
                    raise reject(400, "The sort order has to be specified as "
                                 "%1 for ascending order or %2 for "
                                 "descending order.", ["ASC", "DESC"])
                value = value.upper()
            s[norm] = value
        return s

    # ---- searching

    def search(self, req, table, criteria="required", render=None,
               unknown_field=None):
        node, fields = self.query(req, criteria)
        sc = self.criteria(node)
        rows = table.rows
        unknown_field = unknown_field or (lambda f: internal_error())

        def match():
            preds = []
            candidates = None
            for group in sc["groups"]:
                if not group:
                    continue
                for f in group:
                    if f["field"] not in table.fields:
                        raise unknown_field(f["field"])
                cand = table.candidates(
                    [{"field": f["field"], "cond": f["cond"] or "eq",
                      "value": f["value"]} for f in group])
                if cand is not None:
                    candidates = cand if candidates is None \
                        else candidates & cand
                    continue
                preds.append([self.predicate(table, f) for f in group])
            if candidates is not None:
                pool = [rows[i] for i in sorted(candidates)]
            else:
                pool = rows
            if preds:
                pool = [r for r in pool if all(any(p(r) for p in g)
                                               for g in preds)]
            # SortingProcessor skips a sort order without a field.
            sorts = [s for s in sc["sorts"] or () if s["field"] is not None]
            if sorts:
                for s in sorts:
                    if s["field"] not in table.fields:
                        raise unknown_field(s["field"])
                pool = list(pool)
                for s in reversed(sorts):
                    f = s["field"]
                    pool.sort(key=lambda r, f=f: sort_key(table.value(r, f)),
                              reverse=s["direction"] != "ASC")
            return pool
        # The rows of a page are taken from the rows that match, kept
        # while the store is unchanged (memo()).
        pool = self.memo((req.path, json.dumps(
            [sc["groups"], sc["sorts"]], sort_keys=True, default=str)), match)
        total = len(pool)
        size = sc["page_size"]
        if size is None:
            page = list(pool)
        else:
            cur = max(1, sc["current_page"] or 1)
            last = max(1, int(math.ceil(total / size)))
            if cur > last:
                if self.past_end == "empty":
                    cur = None
                else:
                    cur = last
            page = [] if cur is None else pool[(cur - 1) * size:cur * size]
        body = {"items": [render(r) if render else r for r in page],
                "search_criteria": echo(sc, node),
                "total_count": total}
        return self.answer(body, fields)

    @staticmethod
    def answer(body, fields):
        if fields is not None:
            body = apply_fields(body, fields)
        return mg_response(200, body)

    def predicate(self, table, f):
        field = f["field"]
        ftype = table.fields[field]
        cond = f["cond"] or "eq"
        value = f["value"]
        get = table.value
        if cond in ("null", "notnull"):
            want_null = cond == "null"
            return lambda r: (get(r, field) is None) == want_null
        if cond not in CONDITIONS:
            raise invalid_value("condition_type", cond)
        if value is None:
            return lambda r: False      # field = NULL matches nothing
        if cond in ("like", "nlike"):
            rx = like_regex(value)
            neg = cond == "nlike"

            def like(r):
                v = get(r, field)
                return v is not None and bool(rx.match(php_str(v))) != neg
            return like
        if cond in ("finset", "nfinset"):
            neg = cond == "nfinset"

            def finset(r):
                v = get(r, field)
                return v is not None and \
                    (value in php_str(v).split(",")) != neg
            return finset
        if cond in ("in", "nin"):
            values = {self.typed(ftype, field, v) for v in value.split(",")}
            neg = cond == "nin"

            def inset(r):
                v = get(r, field)
                return v is not None and (cell(ftype, v) in values) != neg
            return inset
        want = self.typed(ftype, field, value)
        op = CONDITIONS[cond]

        def compare(r):
            v = get(r, field)
            return v is not None and op(cell(ftype, v), want)
        return compare

    @staticmethod
    def typed(ftype, field, value):
        """A filter value as the column's type (decision 7)."""
        if ftype == "text":
            return value
        if ftype == "date":
            if DATE_RE.match(value) and valid_time(value, DATE_RE, "%Y-%m-%d"):
                return value + " 00:00:00"
            if valid_time(value, DATETIME_RE, "%Y-%m-%d %H:%M:%S"):
                return value
            raise invalid_value(field, value)
        if not is_numeric(value):
            raise invalid_value(field, value)
        return float(value)

    # ---- orders, shipments, products, sources

    def list_orders(self, req):
        return self.search(req, self.order_table)

    def get_order(self, req, ident):
        _, fields = self.query(req, None)
        if not is_numeric(ident):
            raise reject(400, 'Invalid type for value: "%s". Expected Type: '
                         '"int".' % ident)
        n = int(float(ident))
        if n == 0:
            raise reject(400, "An ID is needed. Set the ID and try again.")
        o = self.orders.get(n)
        if o is None:
            raise reject(404, NO_ENTITY)
        return self.answer(o, fields)

    def list_shipments(self, req):
        return self.search(req, self.shipment_table)

    def list_products(self, req):
        return self.search(req, self.product_table, unknown_field=lambda f:
                           reject(400, "Invalid attribute name: %1", [f]))

    def list_sources(self, req):
        return self.search(req, self.source_table, criteria="optional")

    def list_source_items(self, req):
        return self.search(req, self.item_table)

    # ---- writes

    @staticmethod
    def check_json(req):
        """Rest\\Request::getContentType and the JSON deserializer
        (decision 12): the body must be application/json and parse."""
        ctype = req.header("Content-Type")
        if not ctype:
            raise reject(400, "Content-Type header is empty.")
        m = re.match(r"\A([a-z\d/\-+.]+)(?:; *charset=(.+))?\Z", ctype.strip(),
                     re.I)
        if not m:
            raise reject(400, "Content-Type header is invalid.")
        if m.group(2) and m.group(2).lower() != "utf-8":
            raise reject(400, "UTF-8 is the only supported charset.")
        if m.group(1).lower() != "application/json":
            raise reject(400, "Server cannot understand Content-Type HTTP "
                         "header media type %1", [m.group(1)])
        if not req.json_ok:
            raise reject(400, "Decoding error.")

    def save_source_items(self, req):
        self.query(req, None)
        self.check_json(req)
        body = req.json if isinstance(req.json, dict) else {}
        items = None
        for k, v in body.items():
            if k in ("sourceItems", "source_items"):
                items = v
            else:
                raise not_supported(k)
        if items is None:
            raise reject(400, REQUIRED, {"fieldName": "sourceItems"})
        if isinstance(items, dict):
            items = list(items.values())
        if not isinstance(items, list):
            # convertValue makes it null and execute(array) fails with a
            # TypeError: a 500 (UNCONFIRMED).
            raise internal_error()
        self.check_array(items, T_SOURCE_ITEM)
        converted = [self.source_item(it) for it in items]
        if not converted:
            raise reject(400, "Input data is empty")
        errors = []
        for si in converted:
            errors.extend(self.validate_item(si))
        if len(errors) == 1:
            raise reject(400, errors[0][0], errors[0][1])
        if errors:
            raise reject(400, "Validation Failed: " + render(*errors[0]),
                         errors=[{"message": e[0], "parameters": e[1]}
                                 for e in errors])
        # One INSERT for all: a foreign key (source_code) or a quantity
        # outside DECIMAL(12,4) fails it, and nothing is saved.
        if any(si["source_code"] not in self.sources or
               not abs(si["quantity"]) < 1e8 for si in converted):
            raise reject(400, "Could not save Source Item")
        for si in converted:
            key = (si["sku"], si["source_code"])
            row = self.items_by_key.get(key)
            old = None
            if row is None:
                row = {"sku": si["sku"], "source_code": si["source_code"],
                       "quantity": 0, "status": 0}
                self.items_by_key[key] = row
                self.item_table.append(row)
            else:
                old = row["quantity"]
            row["quantity"] = php_num(round(si["quantity"], 4))
            row["status"] = si["status"]
            self.stock_history.append({
                "sku": si["sku"], "source_code": si["source_code"],
                "old": old, "new": row["quantity"], "status": row["status"]})
            self.write_counts[si["sku"]] = \
                self.write_counts.get(si["sku"], 0) + 1
        return mg_response(200, [])

    @staticmethod
    def source_item(node):
        """A sourceItems entry converted to SourceItemInterface's types
        (sku string, source_code string, quantity float, status int)."""
        si = {"sku": None, "source_code": None, "quantity": None,
              "status": None}
        if not isinstance(node, dict):
            return si
        for key, value in node.items():
            norm = key.replace("_", "").lower()
            slot = {"sku": "sku", "sourcecode": "source_code",
                    "quantity": "quantity", "status": "status",
                    "extensionattributes": None}.get(norm, "?")
            if slot == "?":
                raise not_supported(key)
            if slot is None or value is None:
                continue
            if slot in ("sku", "source_code"):
                if isinstance(value, (list, dict)):
                    raise type_error(key, value, "string")
                si[slot] = "1" if value is True else "" if value is False \
                    else php_str(value)
            else:
                if not is_numeric(value):
                    raise type_error(key, value, "float" if slot == "quantity"
                                     else "int")
                si[slot] = float(value) if slot == "quantity" \
                    else int(float(value))
        return si

    def change(self, c):
        """A fault of kind change: {"sku": S, "quantity": N} is a sale or
        a delivery at the default source (not counted as a write), {"sku":
        S, "delete": true} deletes the product (its source items stay
        listed until the next reset, as a client's catalog listing would
        show them), {"max_page_size": N} is the store's admin lowering
        Maximum Page Size (webapi/validation/maximum_page_size, read on
        every request: decision 11) while a client lists."""
        if is_int(c.get("max_page_size")) and c["max_page_size"] >= 1:
            self.max_page_size = c["max_page_size"]
            return
        sku = c.get("sku")
        if c.get("delete"):
            self.by_sku.pop(sku, None)
            return
        row = self.items_by_key.get((sku, "default"))
        if row is not None and is_int(c.get("quantity")):
            row["quantity"] = c["quantity"]

    def validate_item(self, si):
        """SourceItemValidatorChain [msi]: (message, parameters) pairs."""
        errors = []
        sku = si["sku"] or ""
        if php_trim(sku) == "":
            errors.append(('"%field" can not be empty.', {"field": "sku"}))
        if php_trim(sku) != sku:
            errors.append(('"%field" can not contain leading or trailing '
                           'spaces.', {"field": "sku"}))
        code = si["source_code"] or ""
        if php_trim(code) == "":
            errors.append(('"%field" can not be empty.',
                           {"field": "source_code"}))
        if re.search(r"[ \t\n\x0b\x0c\r]", code):
            errors.append(('"%field" can not contain whitespaces.',
                           {"field": "source_code"}))
        if si["quantity"] is None:
            errors.append(('"%field" should be numeric.',
                           {"field": "quantity"}))
        if si["status"] is None:
            errors.append(('"%field" should be numeric.', {"field": "status"}))
        if si["status"] not in (None, 0, 1):
            errors.append(('"%field" should a known status.',
                           {"field": "status"}))
        if sku not in self.by_sku:
            errors.append(('Product with requested "%field": "%value" was '
                           'was not found.', {"field": "sku", "value": sku}))
        return errors

    # ---- shipping (decisions 17 to 20)

    SHIP_PARAMS = {"items": "items", "notify": "notify",
                   "appendComment": "appendComment",
                   "append_comment": "appendComment", "comment": "comment",
                   "tracks": "tracks", "packages": "packages",
                   "arguments": "arguments", "orderId": "orderId",
                   "order_id": "orderId"}

    def ship_order(self, req, ident):
        """POST order/{orderId}/ship: ShipOrder::execute (decision 17)."""
        self.query(req, None)
        if not is_numeric(ident):
            raise reject(400, 'Invalid type for value: "%s". Expected Type: '
                         '"int".' % ident)
        args = self.ship_input(req)
        n = int(float(ident))
        if n == 0:
            raise reject(400, "An ID is needed. Set the ID and try again.")
        order = self.orders.get(n)
        if order is None:
            raise reject(404, NO_ENTITY)
        lines, total = self.shipment_lines(order, args["items"])
        messages = self.can_ship_messages(order)
        messages += self.quantity_messages(order, lines)
        messages += ["Please enter a tracking number."
                     for t in args["tracks"] if php_empty(t["track_number"])]
        messages += self.bundle_messages(order, args["items"])
        if messages:
            raise reject(400, "Shipment Document Validation Error(s):\n" +
                         "\n".join(messages))
        # Saving: the track and comment resource models validate their
        # rows; a failure there rolls everything back (decision 18).
        comment = args["comment"]
        if any(php_empty(t["carrier_code"]) for t in args["tracks"]) or (
                comment is not None and php_empty(comment["comment"])):
            raise reject(400, "Could not save a shipment, see error log for "
                         "details")
        shipment = self.register_shipment(order, lines, total, args)
        self.count("order %d shipment" % order["entity_id"])
        for _ in args["tracks"]:
            self.count("order %d track" % order["entity_id"])
        if args["notify"]:
            self.mail(order.get("customer_email"), "shipment",
                      order["entity_id"])
            shipment["email_sent"] = 1
        return mg_response(200, str(shipment["entity_id"]))

    def ship_input(self, req):
        """The body as ServiceInputProcessor converts it for ShipOrder's
        parameters (decision 17): an empty body is no parameters."""
        body = {}
        if req.body:
            self.check_json(req)
            body = req.json
            if isinstance(body, list):      # (array) of a JSON list
                body = {str(i): v for i, v in enumerate(body)}
            elif body is None:
                body = {}
            elif not isinstance(body, dict):
                body = {"0": body}
        given = {}
        for key, value in body.items():
            name = self.SHIP_PARAMS.get(key)
            if name is None:
                raise not_supported(key)
            if value is not None and (name not in given or key == name):
                given[name] = (key, value)
        args = {"items": [], "notify": False, "appendComment": False,
                "comment": None, "tracks": [], "packages": [],
                "arguments": None}
        for name, (key, value) in given.items():
            if name == "orderId":           # the path's value wins
                continue
            if name in ("notify", "appendComment"):
                args[name] = php_bool(key, value)
            elif name in ("items", "tracks", "packages"):
                if isinstance(value, dict):
                    value = list(value.values())
                if not isinstance(value, list):
                    # convertValue makes it null; execute(array) fails.
                    raise internal_error()
                convert = {"items": self.ship_item, "tracks": self.ship_track,
                           "packages": self.ship_package}[name]
                args[name] = [convert(v) for v in value]
            elif name == "comment":
                args[name] = self.ship_comment(key, value)
            else:
                args[name] = self.ship_arguments(key, value)
        return args

    @staticmethod
    def data_object(node, fields, type_name, key=None):
        """A data object from a JSON object: its keys matched as
        ServiceInputProcessor does (decision 6), the values converted;
        fields: {normalised key: (name, type)}."""
        if not isinstance(node, dict):
            if key is None:
                raise internal_error()      # a null entity in an array
            raise type_error(key, node, type_name)
        out = {name: None for name, kind in fields.values()
               if kind != "ext"}
        for k, v in node.items():
            slot = fields.get(k.replace("_", "").lower())
            if slot is None:
                raise not_supported(k)
            name, kind = slot
            if v is None:
                continue
            if kind == "ext":
                if not isinstance(v, dict):
                    raise type_error(k, v, "array")
                allowed = name or ()
                for ek, ev in v.items():
                    if ek not in allowed:
                        raise not_supported(ek)
                    if isinstance(ev, (list, dict)):
                        raise type_error(ek, ev, "string")
                    out[ek] = php_str(ev) if not isinstance(ev, bool) \
                        else ("1" if ev else "")
                continue
            if kind == "string":
                if isinstance(v, (list, dict)):
                    raise type_error(k, v, "string")
                v = "1" if v is True else "" if v is False else php_str(v)
            else:
                if not is_numeric(v):
                    raise type_error(k, v, kind)
                v = int(float(v)) if kind == "int" else float(v)
            out[name] = v
        return out

    def ship_item(self, node):
        return self.data_object(node, {
            "orderitemid": ("order_item_id", "int"),
            "qty": ("qty", "float"),
            "extensionattributes": (None, "ext")}, "ShipmentItemCreation")

    def ship_track(self, node):
        return self.data_object(node, {
            "tracknumber": ("track_number", "string"),
            "title": ("title", "string"),
            "carriercode": ("carrier_code", "string"),
            "extensionattributes": (None, "ext")}, "ShipmentTrackCreation")

    def ship_package(self, node):
        return self.data_object(node, {
            "extensionattributes": (None, "ext")}, "ShipmentPackageCreation")

    def ship_comment(self, key, node):
        return self.data_object(node, {
            "comment": ("comment", "string"),
            "isvisibleonfront": ("is_visible_on_front", "int"),
            "extensionattributes": (None, "ext")},
            "\\Magento\\Sales\\Api\\Data\\ShipmentCommentCreationInterface",
            key)

    def ship_arguments(self, key, node):
        return self.data_object(node, {
            "extensionattributes": (("source_code",), "ext")},
            "\\Magento\\Sales\\Api\\Data\\ShipmentCreationArgumentsInterface",
            key)

    # Order items as Magento\Sales\Model\Order\Item sees them.

    @staticmethod
    def item_by_id(order, iid):
        for it in order["items"]:
            if it["item_id"] == iid:
                return it
        return None

    def parent_of(self, order, it):
        pid = it.get("parent_item_id")
        return None if pid is None else self.item_by_id(order, pid)

    @staticmethod
    def children_of(order, it):
        return [c for c in order["items"]
                if c.get("parent_item_id") == it["item_id"]]

    def ship_separately(self, order, it):
        """isShipSeparately: the bundle's shipment_type, read here from the
        catalog product's custom attribute shipment_type ("1": separately;
        absent or "0": together), as the order item's product_options are
        not in the REST answer (decision 19)."""
        top = self.parent_of(order, it) or it
        product = self.products.get(top.get("product_id"))
        for a in (product or {}).get("custom_attributes", []):
            if a.get("attribute_code") == "shipment_type":
                return str(a.get("value")) == "1"
        return False

    def is_dummy(self, order, it):
        """Order\\Item::isDummy(true)."""
        sep = self.ship_separately(order, it)
        if self.children_of(order, it):
            return sep
        if it.get("parent_item_id") is not None:
            return not sep
        return False

    @staticmethod
    def simple_qty_to_ship(it):
        return max(it["qty_ordered"] - it["qty_shipped"] - it["qty_refunded"]
                   - it["qty_canceled"], 0)

    def qty_to_ship(self, order, it):
        return 0 if self.is_dummy(order, it) else self.simple_qty_to_ship(it)

    def shipment_lines(self, order, items):
        """ShipmentDocumentFactory::create and ShipmentFactory::
        prepareItems: [(order item, qty)] and the shipment's total_qty."""
        if items:
            wanted = {}
            for i in items:
                wanted[i["order_item_id"]] = i["qty"]
        else:
            wanted = {it["item_id"]: it["qty_ordered"] for it in order["items"]
                      if not it.get("is_virtual") and (
                          it.get("parent_item_id") is None or
                          self.ship_separately(order, it))}
        lines = []
        for it in order["items"]:
            if not self.can_ship_item(order, it, wanted):
                continue
            dummy = self.is_dummy(order, it)
            if not dummy and (wanted.get(it["item_id"]) or 0) <= 0:
                continue
            if dummy:
                qty = 0
                parent = self.parent_of(order, it)
                if parent is not None and \
                        wanted.get(parent["item_id"]) is not None:
                    if parent["product_type"] == "bundle":
                        # bundle_selection_attributes.qty: the child's
                        # quantity per bundle.
                        per = it["qty_ordered"] / parent["qty_ordered"]
                        qty = min(per * wanted[parent["item_id"]],
                                  self.simple_qty_to_ship(it))
                else:
                    qty = 1
            elif it["item_id"] in wanted:
                qty = min(wanted[it["item_id"]], self.qty_to_ship(order, it))
            else:
                continue
            qty = float(qty) if it.get("is_qty_decimal") else int(qty)
            lines.append((it, max(qty, 0)))
        kept = []
        total = 0
        for it, qty in lines:
            if self.children_of(order, it) and \
                    self.ship_separately(order, it) and not any(
                        c.get("parent_item_id") == it["item_id"]
                        for c, _ in lines):
                continue
            total += qty
            kept.append((it, qty))
        return kept, total

    def can_ship_item(self, order, it, wanted):
        """ShipmentFactory::canShipItem."""
        if it.get("is_virtual") or it.get("locked_do_ship"):
            return False
        if self.is_dummy(order, it):
            children = self.children_of(order, it)
            if children:
                if self.ship_separately(order, it):
                    return True
                for c in children:
                    if c.get("is_virtual"):
                        continue
                    if not wanted:
                        if self.qty_to_ship(order, c) > 0:
                            return True
                    elif (wanted.get(c["item_id"]) or 0) > 0:
                        return True
                return False
            parent = self.parent_of(order, it)
            if parent is not None:
                if not wanted:
                    return self.qty_to_ship(order, parent) > 0
                return (wanted.get(parent["item_id"]) or 0) > 0
        return self.qty_to_ship(order, it) > 0

    def can_ship_messages(self, order):
        """Order\\Validation\\CanShip."""
        if order["state"] in ("payment_review", "holded", "canceled") or \
                order.get("is_virtual"):
            return ["A shipment cannot be created when an order has a status "
                    "of %s" % order["status"]]
        if not any(self.qty_to_ship(order, it) > 0 and not it.get(
                "is_virtual") and not it.get("locked_do_ship")
                for it in order["items"]):
            return ["The order does not allow a shipment to be created."]
        return []

    def quantity_messages(self, order, lines):
        """Order\\Shipment\\Validation\\QuantityValidator."""
        empty = "You can't create a shipment without products."
        if not lines:
            return [empty]
        out = []
        total = 0
        for it, qty in lines:
            if qty <= self.qty_to_ship(order, it) or self.is_dummy(order, it):
                total += qty
            else:
                out.append('The quantity to ship must not be greater than the '
                           'unshipped quantity for product SKU "%s".'
                           % it["sku"])
        if total <= 0:
            out.append(empty)
        return out

    def bundle_messages(self, order, items):
        """Bundle's BundleShipmentTypeValidator, over the order items the
        request names."""
        asked = {i["order_item_id"] for i in items}
        text = ('Cannot create shipment as bundle product "%s" has shipment '
                'type "%s". %s should be shipped instead.')
        out = []
        for it in order["items"]:
            if it["item_id"] not in asked or not self.is_dummy(order, it):
                continue
            if self.children_of(order, it) and it["product_type"] == "bundle":
                out.append(text % (it["sku"], "Separately",
                                   "Bundle product options"))
            parent = self.parent_of(order, it)
            if parent is not None and parent["product_type"] == "bundle":
                out.append(text % (parent["sku"], "Together",
                                   "Bundle product itself"))
        return out

    def register_shipment(self, order, lines, total, args):
        """OrderRegistrar, the shipment's save, the state change of a new
        order and the order's save with State::check (decision 18)."""
        now = stamp(datetime.now(timezone.utc))
        ids = self.next_id
        sid = ids["shipment"]
        ids["shipment"] += 1
        inc = "%09d" % ids["increment"]
        ids["increment"] += 1
        items = []
        for it, qty in lines:
            if qty > 0:
                it["qty_shipped"] = php_num(float(it["qty_shipped"] + qty))
                it["updated_at"] = now
            if it.get("is_virtual") or (
                    it.get("parent_item_id") is not None and
                    not self.ship_separately(order, it)):
                continue                    # isDeleted(true): not saved
            row = {"entity_id": ids["shipment_item"], "name": it["name"],
                   "parent_id": sid, "price": it["price"]}
            ids["shipment_item"] += 1
            if "product_id" in it:
                row["product_id"] = it["product_id"]
            row.update({"sku": it["sku"], "order_item_id": it["item_id"],
                        "qty": php_num(float(qty))})
            if "weight" in it:
                row["weight"] = it["weight"]
            items.append(row)
        tracks = []
        for t in args["tracks"]:
            tracks.append({"order_id": order["entity_id"], "created_at": now,
                           "entity_id": ids["track"], "parent_id": sid,
                           "updated_at": now, "weight": None, "qty": None,
                           "description": None,
                           "track_number": t["track_number"],
                           "title": t["title"],
                           "carrier_code": t["carrier_code"]})
            ids["track"] += 1
        comments = []
        c = args["comment"]
        if c is not None:
            comments.append({"comment": c["comment"], "created_at": now,
                             "entity_id": ids["comment"],
                             "is_customer_notified": 1 if args["notify"] and
                             args["appendComment"] else 0,
                             "is_visible_on_front":
                             c["is_visible_on_front"] or 0,
                             "parent_id": sid})
            ids["comment"] += 1
        shipment = {"billing_address_id": order.get("billing_address_id"),
                    "created_at": now}
        if order.get("customer_id") is not None:
            shipment["customer_id"] = order["customer_id"]
        shipment.update({
            "entity_id": sid, "increment_id": inc,
            "order_id": order["entity_id"], "packages": []})
        if order.get("billing_address_id") is not None:
            shipment["shipping_address_id"] = \
                order["billing_address_id"] - 1
        shipment.update({
            "store_id": order.get("store_id", 1),
            "total_qty": php_num(float(total)), "updated_at": now,
            "items": items, "tracks": tracks, "comments": comments})
        if shipment["billing_address_id"] is None:
            del shipment["billing_address_id"]
        self.shipments[sid] = shipment
        self.shipment_table.append(shipment)
        if order["state"] == "new":
            order["state"] = self.state_for_new(order)
            order["status"] = DEFAULT_STATUS[order["state"]]
        self.check_state(order, now)
        order["updated_at"] = now
        by_id = {it["item_id"]: it for it in order["items"]}
        for it in order["items"]:
            if it.get("parent_item_id") is not None:
                it["parent_item"] = dict(by_id[it["parent_item_id"]])
        return shipment

    # Order::canInvoice, canCreditmemo, canShip and the state handlers.

    def can_invoice(self, order):
        if order["state"] in ("holded", "payment_review", "canceled",
                              "complete", "closed"):
            return False
        # Item::getQtyToInvoice; a child is a dummy for invoicing, as
        # every sandbox bundle has a fixed price (decision 19).
        return any(it.get("parent_item_id") is None and max(
            it["qty_ordered"] - it["qty_invoiced"] - it["qty_canceled"], 0)
            > 0 and not it.get("locked_do_invoice") for it in order["items"])

    @staticmethod
    def can_creditmemo(order):
        if order["state"] in ("holded", "payment_review", "canceled",
                              "closed"):
            return False
        top = [it for it in order["items"] if it.get("parent_item_id") is None]
        paid = order.get("total_paid")
        if paid is None:
            invoiced = sum(it.get("row_invoiced", 0) for it in top)
            paid = invoiced + (order.get("shipping_amount", 0)
                               if invoiced else 0)
        refunded = order.get("total_refunded")
        if refunded is None:
            refunded = sum(it.get("amount_refunded", 0) for it in top)
        return abs(round(paid, 2) - refunded) >= .0001

    def can_ship(self, order):
        if order["state"] in ("holded", "payment_review", "canceled") or \
                order.get("is_virtual"):
            return False
        for it in order["items"]:
            parent = self.parent_of(order, it)
            qty = self.simple_qty_to_ship(it) if parent is not None and \
                parent["product_type"] == "bundle" else \
                self.qty_to_ship(order, it)
            if qty > 0 and not it.get("is_virtual") and \
                    not it.get("locked_do_ship"):
                return True
        return False

    def state_for_new(self, order):
        """StateResolver::getStateForOrder(order, [IN_PROGRESS]) for a new
        order: always processing."""
        return "processing"

    def check_state(self, order, now):
        """ResourceModel\\Order\\Handler\\State::check, run by the order's
        save."""
        state, status = order["state"], order["status"]
        if state != "canceled" and state != "holded" and \
                not self.can_invoice(order):
            if state in ("processing", "complete") and \
                    not self.can_creditmemo(order) and \
                    not self.can_ship(order) and not order.get("is_virtual"):
                order["state"] = "closed"
            elif state == "processing" and (
                    not self.can_ship(order) or
                    self.partially_refunded_shipped(order)):
                order["state"] = "complete"
            elif order.get("is_virtual") and status == "closed":
                order["state"] = "closed"
            if order["state"] != state:
                order["status"] = DEFAULT_STATUS[order["state"]]
        if (order["state"], order["status"]) != (state, status):
            ids = self.next_id
            order.setdefault("status_histories", []).insert(0, {
                "comment": "", "created_at": now,
                "entity_id": ids["history"], "entity_name": "order",
                "is_visible_on_front": 0, "parent_id": order["entity_id"],
                "status": order["status"]})
            ids["history"] += 1

    @staticmethod
    def partially_refunded_shipped(order):
        """State::isPartiallyRefundedOrderShipped (every row counted)."""
        shipped = sum(int(it["qty_shipped"]) for it in order["items"])
        refunded = sum(int(it["qty_refunded"]) for it in order["items"]
                       if it["product_type"] == "simple")
        return shipped > 0 and \
            order.get("total_qty_ordered", 0) <= refunded + shipped


# ------------------------------------------------------------ search helpers

CONDITIONS = {
    "eq": lambda a, b: a == b, "neq": lambda a, b: a != b,
    "gt": lambda a, b: a > b, "lt": lambda a, b: a < b,
    "gteq": lambda a, b: a >= b, "moreq": lambda a, b: a >= b,
    "lteq": lambda a, b: a <= b, "from": lambda a, b: a >= b,
    "to": lambda a, b: a <= b,
    "like": None, "nlike": None, "in": None, "nin": None,
    "finset": None, "nfinset": None,
}


def cell(ftype, v):
    if ftype in ("int", "num"):
        return float(v)
    return v if isinstance(v, str) else php_str(v)


def sort_key(v):
    """MySQL puts NULL first in ascending order."""
    if v is None:
        return (0, 0, "")
    if isinstance(v, bool):
        return (1, int(v), "")
    if isinstance(v, (int, float)):
        return (1, v, "")
    return (2, 0, str(v))


def like_regex(pattern):
    """SQL LIKE: % any run, _ one character, backslash escapes."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.S)


def echo(sc, node):
    """search_criteria as Magento returns it: the input object."""
    out = {"filter_groups": []}
    for g in sc["groups"]:
        fs = []
        for f in g:
            e = {}
            if f["field"] is not None:
                e["field"] = f["field"]
            if f["value"] is not None:
                e["value"] = f["value"]
            if f["cond"] is not None:
                e["condition_type"] = f["cond"]
            fs.append(e)
        out["filter_groups"].append({"filters": fs})
    if sc["sorts"] is not None:
        out["sort_orders"] = [{k: v for k, v in s.items() if v is not None}
                              for s in sc["sorts"]]
    if sc["page_size"] is not None:
        out["page_size"] = sc["page_size"]
    if sc["current_page"] is not None:
        out["current_page"] = sc["current_page"]
    return out


def parse_fields(text):
    """?fields=items[sku,quantity],total_count as {name: sub or None}."""
    if not isinstance(text, str):
        raise invalid_value("fields", "array")
    pos = 0

    def parse_list():
        nonlocal pos
        out = {}
        while True:
            m = re.compile(r"[A-Za-z0-9_]+").match(text, pos)
            if not m:
                raise invalid_value("fields", text)
            name = m.group(0)
            pos = m.end()
            sub = None
            if pos < len(text) and text[pos] == "[":
                pos += 1
                sub = parse_list()
                if pos >= len(text) or text[pos] != "]":
                    raise invalid_value("fields", text)
                pos += 1
            out[name] = sub
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            return out

    result = parse_list()
    if pos != len(text):
        raise invalid_value("fields", text)
    return result


def apply_fields(data, spec):
    if isinstance(data, list):
        return [apply_fields(x, spec) for x in data]
    if isinstance(data, dict):
        return {k: v if spec[k] is None else apply_fields(v, spec[k])
                for k, v in data.items() if k in spec}
    return data


def _exists(d, name):
    return os.path.exists(os.path.join(d, name))


# ------------------------------------------------------------ builders

def make_source(code, name, enabled, country, postcode, **extra):
    s = {"source_code": code, "name": name}
    s.update({k: v for k, v in extra.items() if k in ("email",
                                                       "contact_name")})
    s["enabled"] = enabled
    s["description"] = extra.get("description", name)
    s["latitude"] = extra.get("latitude", 0)
    s["longitude"] = extra.get("longitude", 0)
    s["country_id"] = country
    for k in ("region", "city", "street"):
        if k in extra:
            s[k] = extra[k]
    s["postcode"] = postcode
    if "phone" in extra:
        s["phone"] = extra["phone"]
    s["use_default_carrier_config"] = True
    s["carrier_links"] = []
    return s


def url_key(name):
    out = []
    for c in name.lower():
        c = {"ë": "e", "é": "e", "è": "e", "ê": "e", "ö": "o", "ü": "u",
             "ä": "a", "û": "u", "ç": "c", "€": "eur"}.get(c, c)
        out.append(c if c.isascii() and c.isalnum() else "-")
    return re.sub("-+", "-", "".join(out)).strip("-")


def make_product(pid, sku, name, type_id, price, t, status=1, visibility=4,
                 weight=None, children=None, attribute_set_id=4):
    p = {"id": pid, "sku": sku, "name": name,
         "attribute_set_id": attribute_set_id, "price": price,
         "status": status, "visibility": visibility, "type_id": type_id,
         "created_at": t, "updated_at": t}
    if weight is not None:
        p["weight"] = weight
    ext = {"website_ids": [1], "category_links": [
        {"position": 0, "category_id": "2"}]}
    if children is not None:
        ext["configurable_product_links"] = children
    p["extension_attributes"] = ext
    p["product_links"] = []
    p["options"] = []
    p["media_gallery_entries"] = []
    p["tier_prices"] = []
    p["custom_attributes"] = [
        {"attribute_code": "url_key", "value": url_key(name) + (
            "" if visibility != 1 else "-" + url_key(sku))},
        {"attribute_code": "tax_class_id",
         "value": "0" if type_id == "virtual" else "2"},
        {"attribute_code": "required_options", "value": "0"},
        {"attribute_code": "has_options",
         "value": "1" if type_id in ("configurable", "bundle") else "0"},
    ]
    return p


def make_address(kind, entity_id, order_id, customer, email):
    first, last, street, postcode, city, country = customer
    return {"address_type": kind, "city": city, "country_id": country,
            "email": email, "entity_id": entity_id, "firstname": first,
            "lastname": last, "parent_id": order_id, "postcode": postcode,
            "street": [street], "telephone": "+31 20 555 0%03d" % order_id}


def make_item(item_id, order_id, sku, name, ptype, qty, price, t,
              shipped=0, invoiced=0, canceled=0, refunded=0, product_id=None,
              parent=None, virtual=False, weight=None):
    row = round(price * qty, 2)
    it = {"amount_refunded": round(price * refunded, 2),
          "base_amount_refunded": round(price * refunded, 2),
          "base_discount_amount": 0, "base_original_price": price,
          "base_price": price, "base_price_incl_tax": price,
          "base_row_total": row, "base_row_total_incl_tax": row,
          "base_tax_amount": 0, "created_at": t, "discount_amount": 0,
          "discount_percent": 0, "is_qty_decimal": 0,
          "is_virtual": 1 if virtual else 0, "item_id": item_id,
          "name": name, "no_discount": 0, "order_id": order_id,
          "original_price": price}
    if parent is not None:
        it["parent_item_id"] = parent
    it.update({"price": price, "price_incl_tax": price,
               "product_id": product_id, "product_type": ptype,
               "qty_canceled": canceled, "qty_invoiced": invoiced,
               "qty_ordered": qty, "qty_refunded": refunded,
               "qty_shipped": shipped,
               "row_invoiced": round(price * invoiced, 2),
               "row_total": row, "row_total_incl_tax": row,
               "sku": sku, "store_id": 1, "tax_amount": 0, "tax_percent": 0,
               "updated_at": t})
    if weight is not None and not virtual:
        it["weight"] = weight
        it["row_weight"] = round(weight * qty, 4)
    if it["product_id"] is None:
        del it["product_id"]
    return it


def make_order(entity_id, increment_id, state, status, created, updated,
               customer, email, items, guest=False, method="checkmo",
               shipping=None):
    """shipping: (method code, description, amount), or None for a
    virtual order."""
    top = [it for it in items if it.get("parent_item_id") is None]
    subtotal = round(sum(it["row_total"] for it in top), 2)
    ship_amount = shipping[2] if shipping else 0
    grand = round(subtotal + ship_amount, 2)
    o = {"applied_rule_ids": "", "base_currency_code": "EUR",
         "base_discount_amount": 0, "base_grand_total": grand,
         "base_shipping_amount": ship_amount, "base_subtotal": subtotal,
         "base_tax_amount": 0, "billing_address_id": entity_id * 2,
         "created_at": created, "customer_email": email,
         "customer_firstname": customer[0], "customer_group_id": 0 if guest
         else 1}
    if not guest:
        o["customer_id"] = 100 + entity_id % 7
    o.update({"customer_is_guest": 1 if guest else 0,
              "customer_lastname": customer[1], "discount_amount": 0,
              "email_sent": 1, "entity_id": entity_id,
              "global_currency_code": "EUR", "grand_total": grand,
              "increment_id": increment_id,
              "is_virtual": 0 if shipping else 1,
              "order_currency_code": "EUR", "quote_id": 500 + entity_id})
    if shipping:
        o["shipping_amount"] = ship_amount
        o["shipping_description"] = shipping[1]
        o["shipping_incl_tax"] = ship_amount
    o.update({"state": state, "status": status, "store_currency_code": "EUR",
              "store_id": 1,
              "store_name": "Main Website\nMain Website Store\nDefault Store "
                            "View",
              "subtotal": subtotal, "subtotal_incl_tax": subtotal,
              "tax_amount": 0,
              "total_due": 0 if state in ("complete", "closed") else grand,
              "total_item_count": len(items),
              "total_qty_ordered": sum(it["qty_ordered"] for it in top),
              "updated_at": updated, "items": items,
              "billing_address": make_address("billing", entity_id * 2,
                                              entity_id, customer, email),
              "payment": {"account_status": None, "additional_information":
                          ["Check / Money order"], "amount_ordered": grand,
                          "base_amount_ordered": grand, "entity_id": entity_id,
                          "method": method, "parent_id": entity_id},
              "status_histories": []})
    shipping_part = {"total": {"base_shipping_amount": ship_amount,
                               "shipping_amount": ship_amount}}
    if shipping:
        shipping_part = {"address": make_address(
            "shipping", entity_id * 2 - 1, entity_id, customer, email),
            "method": shipping[0], "total": shipping_part["total"]}
    o["extension_attributes"] = {"shipping_assignments": [
        {"shipping": shipping_part}]}
    return o


def make_shipment(entity_id, increment_id, order, lines, tracks, t):
    """lines: [(order item, qty)]; tracks: [(carrier_code, title,
    number)]."""
    items = []
    for n, (it, qty) in enumerate(lines):
        row = {"entity_id": entity_id * 10 + n, "name": it["name"],
               "parent_id": entity_id, "price": it["price"]}
        if "product_id" in it:
            row["product_id"] = it["product_id"]
        row.update({"sku": it["sku"], "order_item_id": it["item_id"],
                    "qty": qty})
        if "weight" in it:
            row["weight"] = it["weight"]
        items.append(row)
    return {"billing_address_id": order["billing_address_id"],
            "created_at": t, "customer_id": order.get("customer_id"),
            "email_sent": 1, "entity_id": entity_id,
            "increment_id": increment_id, "order_id": order["entity_id"],
            "packages": [],
            "shipping_address_id": order["billing_address_id"] - 1,
            "store_id": 1, "total_qty": sum(q for _, q in lines),
            "updated_at": t, "items": items,
            "tracks": [{"order_id": order["entity_id"], "created_at": t,
                        "entity_id": entity_id * 10 + n,
                        "parent_id": entity_id, "updated_at": t,
                        "weight": None, "qty": None, "description": None,
                        "track_number": number, "title": title,
                        "carrier_code": code}
                       for n, (code, title, number) in enumerate(tracks)],
            "comments": []}


# ------------------------------------------------------------ generation

FAMILIES = (("TS", "T-shirt", 19.95, 0.2), ("HD", "Hoodie", 49.95, 0.6),
            ("MUG", "Mok", 9.95, 0.4), ("CAP", "Pet", 14.95, 0.1),
            ("BAG", "Tas", 24.0, 0.3), ("PL", "Polo", 29.95, 0.25),
            ("SOK", "Sokken", 7.5, 0.05), ("KRS", "Kaars", 12.5, 0.5))
COLOURS = (("RED", "rood"), ("BLU", "blauw"), ("BLK", "zwart"),
           ("WHT", "wit"), ("GRN", "groen"), ("GEL", "geel"),
           ("PAA", "paars"), ("CRM", "crème"))
SIZES = ("XS", "S", "M", "L", "XL", "XXL")
PEOPLE = (("Jan", "Jansen"), ("Sanne", "de Vries"), ("Pieter", "Bakker"),
          ("Zoë", "Müller"), ("Fleur", "Visser"), ("Daan", "Smit"),
          ("Noël", "Çelik"), ("Lotte", "van den Berg"))
PLACES = (("Kerkstraat 12", "1017 GC", "Amsterdam", "NL"),
          ("Oudegracht 99", "3511 AD", "Utrecht", "NL"),
          ("Meir 50", "2000", "Antwerpen", "BE"),
          ("Hohe Straße 7", "50667", "Köln", "DE"))
CARRIERS = (("tablerate", "PostNL", "3SABCD%07d"),
            ("dhl", "DHL Parcel", "JVGL%010d"),
            ("ups", "UPS", "1Z999AA1%08d"))


def stamp(t):
    return t.strftime("%Y-%m-%d %H:%M:%S")


def bundle_apart(it, products):
    """Whether order row it is a bundle that ships separately."""
    for p in products:
        if p["id"] == it.get("product_id"):
            return any(a.get("attribute_code") == "shipment_type" and
                       str(a.get("value")) == "1"
                       for a in p.get("custom_attributes", []))
    return False


def add_bundle(lines, bundle_set, item_id, eid, state, t):
    """A bundle of 2 (each part once per bundle, fixed price) as Magento
    records it in state: rows for the bundle and its parts, with what is
    shipped as a shipment made them so (decision 19).  Returns the last
    item_id used."""
    b, apart, parts = bundle_set
    qty = 2
    shipped = {"complete": qty, "closed": qty, "processing": 1}.get(state, 0)
    canceled = qty if state == "canceled" else 0
    invoiced = qty if state in ("complete", "closed", "processing") else 0
    refunded = qty if state == "closed" else 0
    item_id += 1
    parent = item_id
    # Separately: the bundle row gets 1 per shipment that holds a part
    # (one shipment here), the parts their own; the first part alone
    # when the order is still processing.
    lines.append(make_item(parent, eid, b["sku"], b["name"], "bundle", qty,
                           b["price"], t, (1 if shipped else 0) if apart
                           else shipped, invoiced, canceled, refunded,
                           product_id=b["id"]))
    for n, p in enumerate(parts):
        item_id += 1
        ps = shipped
        if apart and state == "processing":
            ps = qty if n == 0 else 0
        lines.append(make_item(item_id, eid, p["sku"], p["name"], "simple",
                               qty, 0, t, ps, invoiced, canceled, refunded,
                               product_id=p["id"], parent=parent,
                               weight=p.get("weight")))
    return item_id


def generate_data(spec, seed, sources, products, items, orders, shipments):
    """--generate products=N,orders=M, deterministic for a seed.  Products
    are simple, with a source item at every enabled source and about one in
    five also at a second source; every 13th is disabled, every 29th
    virtual.  Orders use them, in every state, with shipments and tracks
    for what is shipped.  With orders, two bundle products of two enabled
    simple ones are added, one shipped together and one separately
    (shipment_type 0 and 1), and every 7th order has one of them too,
    taking turns (decision 13)."""
    rng = random.Random(seed)
    t0 = datetime(2025, 1, 6, 7, 0, tzinfo=timezone.utc)
    codes = [s["source_code"] for s in sources
             if s.get("source_code") and s.get("enabled")] or ["default"]
    n_prod = spec.get("products")
    if n_prod is None and not products and spec.get("orders"):
        n_prod = 20
    if n_prod is not None:
        products, items = [], []
        combos = len(FAMILIES) * len(COLOURS) * len(SIZES)
        pid = 0
        for i in range(n_prod):
            fam, fname, price, weight = FAMILIES[i % len(FAMILIES)]
            col, cname = COLOURS[(i // len(FAMILIES)) % len(COLOURS)]
            size = SIZES[(i // (len(FAMILIES) * len(COLOURS))) % len(SIZES)]
            sku = "%s-%s-%s" % (fam, col, size)
            if i >= combos:
                sku += "-%d" % (i // combos + 1)
            pid += 1 + (i % 7 == 3)
            virtual = i % 29 == 28
            t = stamp(t0 - timedelta(days=400) + timedelta(minutes=7 * i))
            products.append(make_product(
                pid, sku, "%s %s %s" % (fname, cname, size),
                "virtual" if virtual else "simple", price, t,
                status=2 if i % 13 == 12 else 1,
                weight=None if virtual else weight))
            qty = rng.randint(0, 60)
            items.append({"sku": sku, "source_code": "default",
                          "quantity": qty, "status": 1 if qty else 0})
            if len(codes) > 1 and i % 5 == 0:
                qty = rng.randint(0, 20)
                items.append({"sku": sku, "source_code": codes[1],
                              "quantity": qty, "status": 1 if qty else 0})
    n_ord = spec.get("orders")
    if n_ord is not None:
        orders, shipments = [], []
        sellable = [p for p in products
                    if p["type_id"] in STOCK_TYPES and p["status"] == 1]
        if not sellable:
            raise SetupError("--generate orders needs enabled simple products")
        sets = []
        if len(sellable) >= 2 and not any(p["type_id"] == "bundle"
                                          for p in products):
            parts = [p for p in sellable if p["type_id"] == "simple"][:2]
            pid = max(p["id"] for p in products)
            for n, (ship, name) in enumerate((("0", "samen"),
                                              ("1", "apart"))):
                b = make_product(pid + n + 1, "SET-%d" % (n + 1),
                                 "Set %s" % name, "bundle", 19.95,
                                 stamp(t0 - timedelta(days=30)))
                b["custom_attributes"] += [
                    {"attribute_code": "shipment_type", "value": ship},
                    {"attribute_code": "price_type", "value": "1"},
                    {"attribute_code": "sku_type", "value": "1"}]
                products.append(b)
                sets.append((b, ship == "1", parts))
        forced = list(ORDER_STATES)
        rng.shuffle(forced)
        weights = (("complete", 45), ("processing", 20), ("new", 8),
                   ("pending_payment", 5), ("canceled", 8), ("closed", 5),
                   ("holded", 4), ("payment_review", 2))
        population = [s for s, w in weights for _ in range(w)]
        t = t0
        item_id = 0
        ship_id = 0
        for n in range(n_ord):
            eid = n + 1
            t += timedelta(minutes=rng.randint(20, 900),
                           seconds=rng.randint(0, 59))
            state = forced[n] if n < len(forced) else rng.choice(population)
            created = stamp(t)
            updated = stamp(t + timedelta(hours=rng.randint(0, 96))) \
                if state not in ("new", "pending_payment") else created
            first, last = PEOPLE[rng.randrange(len(PEOPLE))]
            street, postcode, city, country = PLACES[rng.randrange(
                len(PLACES))]
            customer = (first, last, street, postcode, city, country)
            email = "%s.%s@example.com" % (
                url_key(first), url_key(last).replace("-", ""))
            lines = []
            picks = rng.sample(sellable, min(len(sellable),
                                             rng.choice((1, 1, 2, 3))))
            for p in picks:
                item_id += 1
                qty = rng.choice((1, 1, 2, 3))
                virtual = p["type_id"] == "virtual"
                shipped = invoiced = canceled = refunded = 0
                if state in ("complete", "closed"):
                    invoiced = qty
                    shipped = 0 if virtual else qty
                    refunded = qty if state == "closed" else 0
                elif state == "processing":
                    invoiced = qty
                    shipped = 0 if virtual else rng.randint(0, qty)
                elif state == "canceled":
                    canceled = qty
                lines.append(make_item(
                    item_id, eid, p["sku"], p["name"], p["type_id"], qty,
                    p["price"], created, shipped, invoiced, canceled,
                    refunded, product_id=p["id"], virtual=virtual,
                    weight=p.get("weight")))
            if sets and n % 7 == 6:
                item_id = add_bundle(lines, sets[(n // 7) % 2], item_id,
                                     eid, state, created)
            physical = any(not it["is_virtual"] for it in lines)
            o = make_order(eid, "%09d" % (eid + 100), state, state, created,
                           updated, customer, email, lines,
                           shipping=("flatrate_flatrate", "Flat Rate - Fixed",
                                     4.95) if physical else None)
            orders.append(o)
            # A bundle shipped together ships through its own row: its
            # parts' rows are raised but not saved (decision 19).
            top = {it["item_id"]: it for it in lines}
            to_ship = [(it, it["qty_shipped"]) for it in lines
                       if it["qty_shipped"] and not (
                           it.get("parent_item_id") is not None and
                           not bundle_apart(top[it["parent_item_id"]],
                                            products))]
            if to_ship:
                ship_id += 1
                code, title, fmt = CARRIERS[rng.randrange(len(CARRIERS))]
                shipments.append(make_shipment(
                    ship_id, "%09d" % ship_id, o, to_ship,
                    [(code, title, fmt % rng.randrange(10 ** 7))], updated))
    return products, items, orders, shipments
