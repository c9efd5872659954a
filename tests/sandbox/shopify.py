"""shopify.py: the Shopify GraphQL Admin API (version 2026-10) for sandbox.py.

    python3 tests/sandbox/sandbox.py --platform shopify \
        --data tests/sandbox/data/shopify [--api-key shpat_sandbox] \
        [--set bucket=2000 --set restore=100 ...] \
        [--generate products=N,variants=V,orders=M,locations=K] ...

Routes: POST /admin/api/2026-10/graphql.json (GraphQL, X-Shopify-Access-Token)
and POST /admin/oauth/access_token (client credentials grant).  Data:
locations.json, products.json (variants and their inventory items and
levels nested), orders.json (line items, fulfillments and fulfillment orders
nested), all with Shopify's GraphQL field names and gid://shopify/... ids.
Besides reading, it takes the mutations inventorySetQuantities,
fulfillmentCreate and orderCreate, and runs bulk query operations
(bulkOperationRunQuery, bulkOperation, currentBulkOperation,
bulkOperationCancel) whose JSONL files it serves at signed storage URLs
(GET /shopify-tiers-assets-prod-us-east1/..., decision 28).

The GraphQL front end is real: a tokenizer and parser for executable
documents, validation in graphql-ruby's words (Shopify runs graphql-ruby),
variable coercion, a cost calculation before running, execution with null
propagation, and the actual cost after.  The schema is the subset in
SCHEMA_SDL below, with the real 2026-10 names and types.

Sources (searched 2026-11; the copies read are named):
  [limits]  https://shopify.dev/docs/api/usage/limits (input arrays <= 250)
  [gql-rl]  https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
            (cost table: scalar/enum 0, object 1, connection "sized by first
            and last", mutation 10; leaky bucket; plans 100/200/1000/2000
            points per second)
  [call]    help.shopify.com/en/api/graphql-admin-api/call-limit (single
            query max cost 1000, enforced on the requested cost before
            execution; the bucket is refunded requested - actual)
  [blog]    shopify.engineering/rate-limiting-graphql-apis-calculating-query-
            complexity ("connections: two points plus the number of returned
            objects"; "mutations cost ten points")
  [thr]     community.shopify.com/t/throttled/254776 (the Throttled body,
            actualQueryCost null); Shopify/cli PR #8317 (2026-08: Shopify
            GraphQL APIs throttle "with a 200 response and extensions.code:
            THROTTLED"); community.shopify.com/t/8456 (some say 429)
  [602]     Shopify/shopify-api-js issue #602 (customers(first:10) with an
            empty result: requestedQueryCost 12, actualQueryCost 3)
  [isq]     https://shopify.dev/docs/api/admin-graphql/latest/mutations/
            inventorySetQuantities, .../input-objects/
            InventorySetQuantitiesInput (2026-10), .../InventoryQuantityInput,
            .../enums/
            InventorySetQuantitiesUserErrorCode (2026-10 list)
  [cas]     https://shopify.dev/changelog/finalizing-compare-and-swap-redesign-
            for-inventory-set-quantities and the 2027-01 payload page
            ("As of 2026-04, each quantity ... must include a
            changeFromQuantity ... Omitting returns an error")
  [isqe]    https://shopify.dev/docs/api/admin-graphql/latest/enums/
            InventorySetQuantitiesUserErrorCode (2026-10):
            IDEMPOTENCY_CONCURRENT_REQUEST "This request is currently in
            progress, please try again."; IDEMPOTENCY_PREVIOUS_ATTEMPT_
            FAILED "... Retry with a new idempotency key."
  [idem]    https://shopify.dev/changelog/making-idempotency-mandatory-for-
            inventory-adjustments-and-refund-mutations, .../usage/
            implementing-idempotency
  [live]    luke-selrai/openclaw-workshop-kit issue #218 (2026-05, against a
            live store: "INVALID_FIELD_ARGUMENTS - InventoryChangeInput must
            include the following argument: changeFromQuantity" and
            "BAD_REQUEST - The @idempotent directive is required for this
            mutation but was not provided.")
  [cc]      https://shopify.dev/docs/apps/build/authentication-authorization/
            client-secrets and .../access-tokens/client-credentials-grant;
            @shopify/shopify-api 12.2.0 lib/auth/oauth/client-credentials.ts
            (sends JSON); community.shopify.dev/t/33287 (errors are 400)
  [401]     shopify-common-errors pages quoting Shopify's 401 body
  [search]  https://shopify.dev/docs/api/usage/search-syntax
  [vcount]  https://shopify.dev/docs/api/admin-graphql/latest/queries/
            productVariantsCount, .../enums/CountPrecision (2026-10)
  [ver]     https://shopify.dev/docs/api/usage/versioning (fall forward)
  [res]     /work/shared/research/platform-apis-1.md section A
  [fc]      https://shopify.dev/docs/api/admin-graphql/latest/mutations/
            fulfillmentCreate (the 2026-07 and 2026-10 pages: "The
            fulfillment orders are associated with the same Order and are
            assigned to the same Location"; payload userErrors
            [UserError!]!), .../input-objects/FulfillmentInput,
            .../FulfillmentOrderLineItemsInput ("If left blank, all line
            items of the fulfillment order will be fulfilled"),
            .../FulfillmentTrackingInput
  [fo]      https://shopify.dev/docs/api/admin-graphql/latest/objects/
            FulfillmentOrder, .../enums/FulfillmentOrderStatus,
            .../enums/FulfillmentOrderRequestStatus,
            .../enums/FulfillmentOrderAction
  [oc]      https://shopify.dev/docs/api/admin-graphql/latest/mutations/
            orderCreate ("with a trial or development store ... a maximum
            of five new orders per minute"), https://shopify.dev/docs/api/
            admin-graphql/2026-10/input-objects/OrderCreateOrderInput,
            .../OrderCreateOptionsInput, .../OrderCreateLineItemInput,
            .../OrderCreateShippingLineInput, .../OrderCreateTaxLineInput,
            .../OrderCreateDiscountCodeInput (item fixed, item percentage,
            free shipping: no order-level code), .../enums/
            OrderCreateUserErrorCode, .../OrderCreateInputsInventoryBehavior
  [sdl]     the Admin API 2026-07 schema introspected from a live store,
            github.com/airhorns/shopify-draft-proxy config/admin-graphql/
            2026-07/schema.graphql: the types of all the above, @idempotent
            "Only supported on mutations that explicitly document idempotency
            support", OrderCreateOrderInput.processedAt "As of API version
            2026-07, values in the future are clamped to the current time",
            the orders query table (name, tag, tag_not, source_identifier)
  [cap]     live-store captures in github.com/airhorns/shopify-draft-proxy
            fixtures/conformance/: harry-test-heelo.myshopify.com/2026-04/
            orders/fulfillment-create-preconditions.json and
            fulfillment-create-multi-group.json (fulfillmentCreate's
            userErrors, a cancelled order's fulfillment orders, costs),
            .../2026-04/orders/order-catalog-count-read.json (name:1494),
            .../2025-01/orders/order-create-validation-matrix.json,
            order-create-validation-matrix-extended.json,
            order-create-math-matrix.json, order-create-fulfillment-
            assigned-location.json, .../2025-01/products/inventory-default-
            location-carrier-connection.json (an unknown variantId;
            DECREMENT_IGNORING_POLICY), very-big-test-store.myshopify.com/
            2025-01/orders/fulfillment-create-invalid-id.json
  [loc]     community.shopify.dev/t/error-in-fulfilling-order/29283 ("All
            fulfillment orders must be assigned to a single location.
            Multiple locations with IDs [...] were found")
  [tma]     community.shopify.dev/t/graphql-api-mutation-error/4542 ("Too
            many attempts" with budget to spare on dev stores) and a public
            orderCreate seed script that met "Too many attempts. Please try
            again later." as a userError without a code 22 times
  [lag]     nozzlegear/ShopifySharp issue #854 (search returns stale tags),
            lightward/mechanic-tasks PR #240 ("add two minute delay, to give
            Shopify time"); shopify.dev gives no figure
  [bulk]    https://shopify.dev/docs/api/usage/bulk-operations/queries (the
            2026 text, read whole: "In API versions 2026-01 and higher apps
            can run up to five bulk query operations at a time per shop";
            first, cursor and pageInfo "optional and ignored if present";
            the JSONL format and __parentId; "If the query produced no
            results, then the url field will return null"; signed URLs
            that "expire after one week"; the error codes; the operation
            restrictions; only the mutation is charged)
  [bref]    https://shopify.dev/docs/api/admin-graphql/latest/mutations/
            bulkOperationRunQuery (2026-10: "supports up to five
            connections with a maximum nesting depth of two levels"),
            .../enums/BulkOperationUserErrorCode (2026-10: INVALID,
            LIMIT_REACHED, OPERATION_IN_PROGRESS), .../objects/BulkOperation,
            .../queries/currentBulkOperation ("Deprecated. Use
            bulkOperations with status filter instead."), .../2026-07/
            enums/BulkOperationStatus; shopify.dev/changelog/bulk-
            operations-group-objects-default-changed-to-false (2026-01:
            groupObjects defaults to false), shopify.dev/changelog/posts/
            faster-bulk-operations ("Five concurrent operations"); the
            [sdl] schema (2026-07) has the types, groupObjects: Boolean! =
            false and currentBulkOperation @deprecated
  [bcap]    live-store captures (API 2026-04 unless said) in
            github.com/airhorns/shopify-draft-proxy fixtures/conformance/
            harry-test-heelo.myshopify.com/2026-04/bulk-operations/:
            bulk-operation-run-query-validators.json, -user-error-codes.json,
            -concurrency-limit.json, -storage-byte-limit.json,
            -status-catalog-cancel.json, -cancel-preserves-fields.json,
            -root-count-and-search-filters.json (a nested result file),
            -cold-catalog-hydration.json, -group-objects.json,
            bulk-operations-read-arg-validation.json, and .../2025-01/
            bulk-operations/bulk-operation-run-query-operation-in-progress.json
  [cli]     Shopify/cli packages/app/src/cli/services/bulk-operations/
            download-bulk-operation-results.ts (a plain fetch of the url,
            no token) and watch-bulk-operation.ts (polls bulkOperation(id:)
            every second, then every 5 s; terminal: COMPLETED, FAILED,
            CANCELED, EXPIRED)
  [gcs]     https://cloud.google.com/storage/docs/xml-api/reference-status
            (the XML error body, application/xml); users' reports of
            signed URLs: docs.extendtech.net/extendfiles/understanding-
            google-cloud-storage-signed-urls (ExpiredToken "Invalid
            argument."), osuse.cn/post/11129.html (SignatureDoesNotMatch)

Decisions (UNCONFIRMED marks the ones no source settles; there the sandbox
takes the strict side):

 1. Routes.  Only POST /admin/api/2026-10/graphql.json and POST
    /admin/oauth/access_token exist (and the storage URLs of bulk
    operations' files, decision 28).  Anything else, including another
    version and any other method, is 404 {"errors":"Not Found"} after auth.
    Shopify serves a retired version by falling forward to the oldest
    supported one [ver]; the sandbox refuses it, so a client that pins the
    wrong version fails in tests rather than on a silent schema change
    (UNCONFIRMED what Shopify answers for a version that never existed).
    Every GraphQL answer carries X-Shopify-API-Version: 2026-10.
 2. Auth: header X-Shopify-Access-Token, the permanent token --api-key
    (default shpat_sandbox) or a token from the client credentials grant.
    Missing, wrong or expired -> 401 {"errors":"[API] Invalid API key or
    access token (unrecognized login or wrong password)"} [401] (for an
    expired token UNCONFIRMED).  The core's request-count limiter is off
    (RATE_LIMIT None): Shopify limits GraphQL by cost (decision 6).
 3. Client credentials grant [cc]: POST /admin/oauth/access_token with
    grant_type=client_credentials, client_id, client_secret as a form body
    (the documented one) or a JSON body (what Shopify's own Node library
    sends).  Answer 200 {"access_token":"shpat_<32 hex>","scope":"...",
    "expires_in":token_ttl}; every grant issues a new token; a token expires
    token_ttl seconds after issue (86399 by default: "valid for 24 hours").
    Errors are 400 (the one observed error of this endpoint is a 400 [cc])
    with OAuth 2.0 bodies {"error":..,"error_description":..}: unknown
    client or wrong secret -> invalid_client, another grant type ->
    unsupported_grant_type, missing fields or credentials in the query
    string -> invalid_request (texts UNCONFIRMED; Doorkeeper's).  Credential
    values are redacted in the request log (the handler rewrites the
    request's query and parsed body before the core logs them).
 4. Body: Content-Type must be application/json (a charset parameter is
    fine).  Anything else, a body that is not a JSON object, or no query
    string -> 400 {"errors":{"query":"Required parameter missing or
    invalid"}} (Shopify's usual 400 text; UNCONFIRMED here).  Shopify also
    takes application/graphql; the sandbox refuses it (strict).
    "variables" must be an object or null, "operationName" a string or null.
 5. GraphQL errors are HTTP 200 with errors[] as graphql-ruby words them:
    parse errors ('Parse error on "}" (RCURLY) at [1, 10]'), undefinedField
    ("Field 'x' doesn't exist on type 'Y'"), argumentNotAccepted,
    missingRequiredArguments, argumentLiteralsIncompatible,
    missingRequiredInputObjectAttribute, variableNotDefined,
    variableNotUsed, variableMismatch, selectionMismatch (selections on a
    scalar, none on an object), fieldConflict, undefinedDirective, "An
    operation name is required", 'No operation named "X"', and
    "Variable $x of type T was provided invalid value for a.0.b (..)" with
    extensions.problems.  Parse and validation errors come without data
    and without extensions.cost (UNCONFIRMED whether Shopify adds cost).
    Fragments (definitions, spreads, inline) and introspection (__schema,
    __type) are refused with extensions.code NOT_EMULATED: the sandbox does
    not implement them.  __typename works.  @include and @skip work.
 6. Cost [gql-rl][call][blog]: computed on the document before running:
    scalar and enum fields 0, an object field 1 + its selection, a
    connection 2 + (first or last) x (1 + the node's selection) (edges and
    nodes count once: the larger; pageInfo and cursor are free), a mutation
    field 10 flat.  A list of objects costs (its first argument, else 1) x
    (1 + the item's selection) (UNCONFIRMED: Shopify documents no list
    rule; so quantities(names:) costs 1).  The actual cost counts what was
    returned: a connection 2 + the returned nodes' costs but at least 3
    (matches [602]; UNCONFIRMED beyond that one observation), a list the
    returned items, a null object 1.  A requested cost over 1000 ->
    MAX_COST_EXCEEDED, nothing run or charged.  Leaky bucket per app (the
    permanent token is one app, all client-credential tokens another):
    maximumAvailable = setting bucket (2000), restoreRate = setting
    restore (100/s, the Standard plan).  Requested > currentlyAvailable ->
    the Throttled answer, nothing run or charged.  Else the requested cost
    is taken, the query runs, and requested - actual is given back;
    currentlyAvailable is the bucket as the answer goes, restored for the
    time the query ran (the quota "refills continuously" [gql-rl]).
    extensions.cost {requestedQueryCost, actualQueryCost, throttleStatus
    {maximumAvailable (float), currentlyAvailable (int), restoreRate
    (float)}} as in [thr], on every answer that got as far as the cost.
 7. Throttled: HTTP 200 (Shopify's own CLI, 2026-08 [thr]; a community
    reply says 429, so a client must take both), body {"errors":[{"message":
    "Throttled","extensions":{"code":"THROTTLED","documentation":
    "https://shopify.dev/api/usage/rate-limits"}}],"extensions":{"cost":
    {...,"actualQueryCost":null,...}}}.  No Retry-After: a client computes
    (requested - currentlyAvailable) / restoreRate.  The fault kind "429"
    (and --rate-limit) answers 429 with Retry-After: 1.0 and the same
    errors[] without extensions.
 8. MAX_COST_EXCEEDED text: "Query cost is N, which exceeds the single
    query max cost limit (1000). ..." with extensions {code, cost, maxCost}
    (wording from memory of Shopify answers: UNCONFIRMED).
 9. Connections: nodes, edges {cursor node}, pageInfo {hasNextPage
    hasPreviousPage startCursor endCursor}.  One of first or last is
    required ("you must provide one of first or last"), each 0..250; more
    -> "The first argument must be less than or equal to 250." (text
    UNCONFIRMED; Shopify refuses, the sandbox never clamps).  These are
    checked with the cost, before running, and answered without data.
    Cursors are opaque base64 of {"last_id":N,"last_value":V} (Shopify's
    own form) and are bound to the sort; one that does not decode or does
    not fit the sort -> a field error "Invalid cursor for current
    pagination sort." with data null (text UNCONFIRMED).  Lists are
    pre-sorted per sort key once per load: a page costs O(page), not
    O(catalog).  hasPreviousPage is computed, not always false.
10. Search syntax [search] in query: terms ANDed by whitespace, AND, OR,
    NOT/-, parentheses, field:value with :<, :<=, :>, :>= and quoted
    values.  Dates must be quoted (the docs say so; an unquoted date is a
    warning and the term is ignored), ISO 8601 with Z or an offset, or a
    bare date (midnight in the shop's zone, Europe/Amsterdam).  A field the
    resource does not have, or a date that does not parse, is ignored (so
    the filter widens, never narrows) and reported in extensions.search:
    [{"path":[..],"query":"..","warnings":[{"field":"x","message":
    "Invalid search field for this query."}]}] (newer versions report
    invalid terms there; exact shape UNCONFIRMED).  A backslash escapes
    the special characters : \\ ( ) and a quote in a quoted value ([search];
    community.shopify.com/t/49653).  orders: created_at,
    updated_at, processed_at, name, email, status (open, closed,
    cancelled), financial_status, fulfillment_status (shipped, partial,
    unshipped, unfulfilled), sku, id, tag, tag_not,
    source_identifier (decision 19).  productVariants: sku (exact,
    case-insensitive: Shopify's search ignores case; a client must
    compare the SKU it gets back), barcode, product_id, id, title,
    product_status.  locations: name, active, id.  Free text matches a
    substring of the name/SKU/email.
11. Orders: default sortKey PROCESSED_AT (= createdAt in the seed), also ID,
    CREATED_AT, UPDATED_AT, ORDER_NUMBER; other valid keys are refused as
    not emulated.  Only orders created in the 60 days before the setting
    now (2026-11-26T12:00:00Z) are visible, in lists and order(id:),
    unless read_all_orders=true [res A2]; older ones are silently absent,
    as on Shopify.  fulfillments(first:) is a list [Fulfillment!]!, not a
    connection; trackingInfo(first:) too.  Money amounts are Decimal
    strings as Ruby prints them ("59.9", "10.0").
12. productVariants: default sortKey ID, also SKU, TITLE, NAME, POSITION.
    All variants are listed, whatever their product's status.
    InventoryItem.inventoryLevel(locationId:) is null where the item is not
    stocked; inventoryLevels(...) is a connection over the levels at active
    locations (UNCONFIRMED for inactive ones).  quantities(names:) answers
    in the order asked; names: available, committed, damaged, incoming,
    on_hand, quality_control, reserved, safety_stock; on_hand = available
    + committed + damaged + quality_control + reserved + safety_stock.
    An unknown name is a field error (UNCONFIRMED).
13. inventorySetQuantities [isq][cas][idem][live]:
    - @idempotent(key:) is required: without it a field error
      BAD_REQUEST "The @idempotent directive is required for this mutation
      but was not provided." and data.inventorySetQuantities null [live].
    - Every quantity must carry changeFromQuantity (null allowed): a
      missing one -> field error INVALID_FIELD_ARGUMENTS
      "InventoryQuantityInput must include the following argument:
      changeFromQuantity" [live] (the live report names the adjust input).
    - More than 250 quantities -> field error MAX_INPUT_SIZE_EXCEEDED "The
      input array size of N is greater than the maximum allowed of 250."
      [limits] (text UNCONFIRMED).
    - Then per-item userErrors with field ["input","quantities","<i>",
      "<field>"] and the 2026-10 codes: INVALID_INVENTORY_ITEM,
      INVALID_LOCATION (also for an inactive location: UNCONFIRMED),
      NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR, ITEM_NOT_STOCKED_AT_
      LOCATION, NON_MUTABLE_INVENTORY_ITEM (used for an untracked item:
      UNCONFIRMED, strict), INVALID_QUANTITY_TOO_HIGH (> 1e9),
      INVALID_QUANTITY_TOO_LOW (< -1e9), INVALID_QUANTITY_NEGATIVE (on_hand
      below 0; available may go negative, as TOO_LOW implies),
      CHANGE_FROM_QUANTITY_STALE (changeFromQuantity not null and not the
      current value of the named quantity); INVALID_NAME, INVALID_REASON,
      INVALID_REFERENCE_DOCUMENT on ["input","name"] etc.  Messages are the
      enum's descriptions.
    - Atomic: one userError and nothing is applied (UNCONFIRMED: the
      reference does not promise it either way).  --set atomic=0 is the
      other reading: the valid quantities are set, the payload has their
      group beside the userErrors of the others, so a client that
      assumes nothing was applied resends what is already set.
    - Idempotency: the same key with the same input returns the stored
      payload (same group id and createdAt) and applies nothing; the same
      key with another input -> IDEMPOTENCY_KEY_PARAMETER_MISMATCH; the
      same key and input after an attempt that ended in userErrors ->
      IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED (2026-10 code; UNCONFIRMED that
      Shopify does not replay the errors instead).  While the first
      request under a key is in progress as its client sees it (a slow
      fault holds its answer back), the same key, whatever the input,
      gets IDEMPOTENCY_CONCURRENT_REQUEST with a null field and nothing
      is done [isqe]: the client timed out and resent, and must wait and
      resend under the same key.  Keys are kept until
      reset (Shopify has a retention window).  The selection set is not
      part of the request's identity.
    - Applying: setting available moves on_hand by the same delta and vice
      versa; changes[] lists the named quantity then the other one, per
      item (UNCONFIRMED).  Setting a level to the value it already has is
      applied, listed with delta 0 and counted as a write (UNCONFIRMED,
      the visible choice: a client that re-sends unchanged levels shows up
      in the write counts).  Each applied quantity counts one write for
      the SKU in GET /_sandbox/writes ("#<inventory item number>" when the
      SKU is empty).  An empty quantities list applies nothing and answers
      a null group.
14. JSON as Rails writes it: UTF-8, '/' unescaped, '<' '>' '&' as \\u003c
    \\u003e \\u0026, U+2028/9 escaped.
15. Faults: the fault "500" answers Shopify's GraphQL internal error body
    {"errors":[{"message":"Internal error. Looks like something went wrong
    on our end.\\nRequest ID: ..","extensions":{"code":
    "INTERNAL_SERVER_ERROR","requestId":".."}}]}.  The fault "change"
    takes {"sku": S, "available": N} (a sale or delivery at the first
    active location, or at "location": GID; not a write) or {"sku": S,
    "delete": true} (the variant and its inventory item are gone), or
    {"bulkFail": CODE} (decision 29).
16. Ids are realistic: 11- to 14-digit numbers, above 2^32, so a client
    that keeps them in 32 bits fails.  The seed has: three locations (one
    inactive), 15 products with 25 variants (an empty SKU, an untracked
    item, one stocked in Utrecht only, one in Amsterdam only, SKU 000123,
    a digits-only SKU, barcodes null and set, an oversold level, non-ASCII
    and "&" in titles, a price per variant) and 16 orders #1001..#1016
    (one 104 days old, so hidden by decision 11; fulfilled, partly
    fulfilled with two fulfillments, cancelled, on hold, in progress, 30
    line items, a removed line, lines without SKU, no e-mail; tags, a note
    and custom attributes on #1009, #1011, #1012, #1013).  Fulfillment
    orders (decision 18): CLOSED for the fulfilled #1001-#1003, #1014 (at
    Utrecht) and #1010 (at Amsterdam) and the cancelled #1006; OPEN for
    #1004, #1009, #1011, #1013 (Utrecht) and #1016 (Amsterdam); #1008 has
    two OPEN ones, 26 lines at Utrecht and 4 at Amsterdam; IN_PROGRESS
    with lines left for the partly fulfilled #1005 and #1012, and with
    nothing fulfilled (reported progress) for #1015; ON_HOLD for #1007.
17. --generate locations=K (all active, default 2), products=N and/or
    variants=V (one SKU per variant, all tracked, stocked at every active
    location; V over N products, or apparel in 4 sizes and the rest in
    one), orders=M (over the 120 days before now, so part of them are
    older than 60 days).  Deterministic for --seed.  Generated orders are
    built, not checked field by field, and the collector is off while
    loading: 10,000 variants load in under a second, 100,000 orders in
    about three.  A page of 250 variants is answered in about 6 ms:
    each list is sorted once per sort key, cursors are found by bisection
    and a page scans only as far as it needs.

18. Fulfillment orders [fo][sdl][cap].  Order.fulfillmentOrders(first/
    last/after/before/reverse) is a connection of FulfillmentOrder {id
    status requestStatus createdAt updatedAt orderId orderName order
    assignedLocation {name location} supportedActions {action externalUrl}
    lineItems (a connection of {id sku totalQuantity remainingQuantity
    lineItem})}; its query argument is refused as NOT_EMULATED, displayable
    is ignored.  QueryRoot.fulfillmentOrder(id:) finds one.  The seed lists
    them (checked: every line item is in one; the OPEN, IN_PROGRESS,
    ON_HOLD, SCHEDULED and INCOMPLETE ones hold exactly the unfulfilled
    quantities; the SUCCESS fulfillments' line items hold currentQuantity
    - unfulfilledQuantity).  Data without them (--generate, other data
    directories) gets one per order at the first active location, built
    when first asked for, ids 10^15 + the order's or line's number.  As
    captured, a cancelled order's fulfillment orders are CLOSED with their
    quantities unchanged, and a fulfilled one is CLOSED with nothing
    remaining and no supportedActions [cap].  supportedActions: OPEN ->
    CREATE_FULFILLMENT, REPORT_PROGRESS, MOVE, HOLD (captured on 2026-04;
    MOVE only while another active location exists: UNCONFIRMED);
    IN_PROGRESS after a partial fulfillment -> CREATE_FULFILLMENT, MOVE,
    HOLD; IN_PROGRESS with nothing fulfilled (reported progress) ->
    CREATE_FULFILLMENT, HOLD, MARK_AS_OPEN; ON_HOLD -> RELEASE_HOLD, HOLD,
    MOVE; SCHEDULED -> MARK_AS_OPEN; CLOSED, CANCELLED, INCOMPLETE -> none
    (all but OPEN and CLOSED UNCONFIRMED).  requestStatus is UNSUBMITTED:
    every location is merchant-managed.  The new connections cost as
    decision 6 says.  Fulfillment gains displayStatus (SUCCESS ->
    FULFILLED, CANCELLED -> CANCELED [cap]), location, totalQuantity and
    fulfillmentLineItems (a connection of {id quantity lineItem}).
19. Orders, more [sdl][cap][search].  name:1001, name:#1001 and
    name:'#1001' all find "#1001", and only it (captured: name:1494 ->
    #1494).  tag:X matches one of the order's tags exactly, ignoring case
    (case UNCONFIRMED); a quoted value may hold colons
    (tag:'shopswitch:woocommerce:old:1001').  tag_not and
    source_identifier work too.  Order gains tags (sorted, as captured),
    note, customAttributes {key value}, taxesIncluded, discountCodes,
    sourceName, sourceIdentifier, phone, test, presentmentCurrencyCode and
    shippingAddress/billingAddress (a MailingAddress subset); a variant
    gains price.
20. fulfillmentCreate(fulfillment:, message:) [fc][cap][loc].  The payload
    is {fulfillment, userErrors: [UserError!]!}: UserError has field and
    message, no code.  Checked in the order the captures show, the first
    failure answers alone and nothing changes:
    - a quantity <= 0: ["fulfillment","lineItemsByFulfillmentOrder","i",
      "fulfillmentOrderLineItems","j","quantity"] "Quantity must be greater
      than 0" (before any lookup, as captured);
    - an empty lineItemsByFulfillmentOrder: "Line items by fulfillment
      order can't be blank" (UNCONFIRMED);
    - a fulfillmentOrderId that is no FulfillmentOrder id, or 0: a field
      error "invalid id", extensions.code RESOURCE_NOT_FOUND, data null
      [cap 2025-01];
    - an unknown one (or one of an order hidden by decision 11):
      ["fulfillment"] "Fulfillment order does not exist.";
    - two orders: "All fulfillment orders must belong to the same order.
      Multiple orders with ids [A, B] were found." (ids ascending);
    - two locations: "All fulfillment orders must be assigned to a single
      location. Multiple locations with ids [A, B] were found." [cap][loc];
    - a fulfillment order not OPEN or IN_PROGRESS: "Fulfillment order N
      has an unfulfillable status= closed." (captured for closed; on_hold,
      cancelled, scheduled, incomplete the same way: UNCONFIRMED);
    - a line item not in that fulfillment order: "Fulfillment order line
      item does not exist.";
    - more than remains: "Invalid fulfillment order line item quantity
      requested." (also when nothing remains at all: UNCONFIRMED).
    A blank or empty fulfillmentOrderLineItems takes everything that
    remains; a line item named twice is summed.  Success: one SUCCESS
    fulfillment named "#1004-F1" (the captured form) at the fulfillment
    orders' location, its line items merged per order line item (captured:
    two fulfillment orders of one line -> one line item of 2); remaining
    quantities go down, a fulfillment order with nothing left is CLOSED,
    else IN_PROGRESS; the line items' unfulfilledQuantity go down; the
    order is FULFILLED when nothing is unfulfilled, else
    PARTIALLY_FULFILLED; updatedAt is now; closed stays as it was (the
    captured order was not archived).  trackingInfo: one entry per number
    (numbers, else number) with urls[i], else url; a company without a
    number gives none (UNCONFIRMED); no URL is built for known carriers
    (Shopify builds one: not emulated).  notifyCustomer (default false)
    true and an e-mail address -> mail "shipping_confirmation" (to the
    order's e-mail, order = its id).  Each fulfillment counts a write
    "order <number> fulfillment".  Stock: stock that a DECREMENT orderCreate
    committed leaves committed (so on_hand goes down); the seed's orders
    move no stock (UNCONFIRMED simplification).  message and originAddress
    are accepted and ignored.  @idempotent: the directive is "Only
    supported on mutations that explicitly document idempotency support"
    [sdl] and neither fulfillmentCreate nor orderCreate does, so it is
    refused: a field error BAD_REQUEST "The @idempotent directive is not
    supported for this mutation." and data null (text UNCONFIRMED).  The
    captured costs (requested 19, actual 10 or 15 for a selection with
    fulfillmentLineItems(first: 5)) show that Shopify adds the payload's
    selection to a mutation's 10; decision 6's flat 10 is kept.
21. orderCreate(order:, options:) [oc][sdl][cap].  The schema takes the
    whole 2026-10 OrderCreateOrderInput; customer, customerId,
    companyLocationId, metafields, userId and fulfillmentStatus PARTIAL or
    RESTOCKED are refused as NOT_EMULATED (customer and customerId
    together: userError REDUNDANT_CUSTOMER_FIELDS ["order"] [cap]).  The
    payload is {order, userErrors: [OrderCreateUserError!]!} with code,
    field and message.  These checks all run and all their errors come
    back, and nothing is created (messages UNCONFIRMED unless captured):
    - no line items: INVALID ["order","lineItems"] "Line items must have
      at least one line item" [cap];
    - an unknown variantId, or a line with neither variantId nor title:
      INVALID ["order"] "Order Line items is invalid", ["order",
      "lineItems"] "Line items Name can't be blank" and "Line items Title
      can't be blank" [cap; the code was not captured];
    - quantity < 1: INVALID [..,"quantity"] "Quantity must be greater than
      0" (UNCONFIRMED);
    - a shopMoney currencyCode that is not the order's currency (currency,
      else the shop's EUR), or a presentmentMoney one that is not
      presentmentCurrency (else currency): INVALID [..,"currencyCode"]
      "Currency must be EUR." (orderEditAddCustomItem's captured wording;
      UNCONFIRMED here);
    - a negative price: INVALID "Price must be greater than or equal to 0";
      a tax line without a rate (""): TAX_LINE_RATE_MISSING [..,"taxLines",
      "k","rate"] [cap]; tax lines on the order and on line items: INVALID
      (the input's description); two discount kinds: INVALID "Only one
      type of discount can be applied to an order." (the description); a
      fulfillmentService other than manual: FULFILLMENT_SERVICE_INVALID; an
      e-mail that is not a@b.c: INVALID "Email is invalid"; a tag over 40
      characters: INVALID (draft orders' captured limit; UNCONFIRMED for
      orders); a processedAt that does not parse: PROCESSED_AT_INVALID.  A
      processedAt in the future is clamped to now [sdl].
    - a shipping line without priceSet or title is refused by the schema
      (both are non-null).
    The order_create_limit refusal (decision 22) and REDUNDANT_CUSTOMER_
    FIELDS come before them and alone; INVENTORY_CLAIM_FAILED after them.
    The order: the next id (the highest + 41: above 2^32), the next order
    number N after the shop's highest, name "#N" (or the name given:
    Shopify allows duplicates; the number is used all the same), createdAt
    and updatedAt on the shop clock (setting now, running since start),
    processedAt as given.  Variant lines take title, name and SKU from the
    variant (a given sku wins) and its price when no priceSet is given;
    other lines their title.  Money is Decimal, never
    float: subtotal = sum of price x quantity; discount: itemFixed amount
    (at most the subtotal), itemPercentage of the subtotal (to the cent,
    half up), freeShipping the shipping; tax = the tax lines' priceSet, or
    rate x their base to the cent; total = subtotal - discount + shipping
    (+ tax unless taxesIncluded), as the captured math matrix (24 + 5 +
    2.9 = 31.9; 30 + 4 - 5 = 29).  displayFinancialStatus: financialStatus
    when given; null without transactions [cap]; successful SALE/CAPTURE >=
    total -> PAID, > 0 -> PARTIALLY_PAID; a successful AUTHORIZATION ->
    AUTHORIZED [cap]; else PENDING.  UNFULFILLED with one OPEN fulfillment
    order of every line at fulfillment.locationId, else the first active
    location that stocks every variant, else the first active location
    (captured: custom items go to the shop's location).  fulfillmentStatus
    FULFILLED or a fulfillment input creates it fulfilled: one SUCCESS
    fulfillment of everything (trackingNumber and trackingCompany its
    tracking), the fulfillment order CLOSED.  options (absent = the
    defaults): inventoryBehaviour BYPASS (default) changes no stock;
    DECREMENT_IGNORING_POLICY moves the quantity from available to
    committed at the fulfillment order's location for tracked items
    stocked there (captured: available 0 -> -2, on_hand unchanged) and
    counts a write per SKU; DECREMENT_OBEYING_POLICY refuses with
    INVENTORY_CLAIM_FAILED ["order","lineItems","i"] when available is
    short (message UNCONFIRMED; the sandbox has no inventory policy, every
    item denies overselling).  sendReceipt (default false) -> mail
    "order_confirmation"; sendFulfillmentReceipt (default false, "Whether
    to send a shipping confirmation to the customer") -> mail
    "shipping_confirmation" when the order is created fulfilled; it is not
    kept for a later fulfillmentCreate, whose notifyCustomer decides
    (UNCONFIRMED).  No e-mail address, no mail.  Each order counts a write
    "order created".
22. Two settings.  search_lag (seconds, default 0): an order created by
    orderCreate stays out of orders(query: ...) with a non-empty query for
    that long; order(id:) and orders without a query find it at once.
    Shopify indexes search asynchronously but documents no figure [lag];
    later changes (fulfillments) are searchable at once (simplification).
    order_create_limit (default 0: none; 5 is a trial or development
    store's "maximum of five new orders per minute" [oc]): one more
    orderCreate within 60 seconds of that many created orders gets
    userErrors [{"code": null, "field": null, "message": "Too many
    attempts. Please try again later."}] and no order [tma] (the sliding
    window and the null field UNCONFIRMED).

23. bulkOperationRunQuery(query:, groupObjects: false) [bulk][bref][bcap].
    The payload is {bulkOperation, userErrors: [BulkOperationUserError!]!}
    (code, field, message); it costs 10 like any mutation (captured).  The
    query is refused, nothing created, with userErrors of code INVALID and
    field ["query"] (texts captured unless marked), checked in this order:
    - more than 65,535 bytes: "Query is too large (N bytes; maximum is
      65535 bytes)";
    - nothing but space and comments: "Invalid bulk query: syntax error,
      unexpected end of file"; another parse error "Invalid bulk query: "
      and the parser's message (UNCONFIRMED);
    - a mutation: "Invalid operation type. Only `query` operations are
      supported.";
    - a top-level node field: "Bulk queries cannot contain a top level
      `node` field." and "Bulk queries must contain at least one
      connection." (nodes likewise: UNCONFIRMED);
    - graphql-ruby's validation errors, each "Invalid bulk query: " and
      its message (decision 5's texts; UNCONFIRMED); two operations:
      "Invalid bulk query: An operation name is required" (UNCONFIRMED);
    - then every bulk rule broken, in this order: a connection not read
      through edges > node ("All connection fields in a bulk query must
      select their contents using 'edges' > 'node', e.g: 'products {
      edges { node {'. Selecting via 'nodes' is not supported. Invalid
      connection fields: 'products'."); connections nested deeper than 2
      (a top-level connection, one in its nodes and one in theirs is
      allowed [bulk]): "Bulk queries cannot contain connections with a
      nesting depth greater than 2."; more than 5 connections, aliases
      counted: "Bulk queries cannot contain more than 5 connections."; a
      nested connection whose parent node does not select id unaliased:
      "The parent 'node' field for a nested connection must select the
      'id' field without an alias and must be of 'ID' return type.
      Connection fields without 'id': products."; a connection under a
      list (Order.fulfillments): "Queries that contain a connection field
      within a list field are not currently supported."; no connection:
      "Bulk queries must contain at least one connection."; more than one
      top-level field: "Bulk queries cannot contain more than one top
      level field." (UNCONFIRMED: the guide allows "a single top-level
      field"; the words are the sandbox's);
    - a variable that is non-null without a default (none can be given):
      "Invalid bulk query: Variable $n of type Int! was provided invalid
      value" (UNCONFIRMED); nullable ones are null;
    - a field error while it runs (an invalid cursor or global id):
      "Invalid bulk query: " and the message (UNCONFIRMED; Shopify may fail
      the operation instead).
    Fragments, introspection and sort keys the sandbox does not emulate
    are a field error NOT_EMULATED with data null.  Then the concurrency
    limit [bulk][bref]: in 2026-01 and later five bulk queries at once
    (setting bulk_concurrency; 1 is the older versions' rule); CREATED,
    RUNNING and CANCELING ones count (CANCELING UNCONFIRMED), and one more
    gets [{"code": "OPERATION_IN_PROGRESS", "field": null, "message": "A
    bulk query operation for this app and shop is already in progress:
    gid1, ..., gid5."}] (captured with one and with five).  LIMIT_REACHED
    is not emulated.  Operations belong to the app that ran them (the
    permanent token is one app, the client-credential tokens another:
    decision 6); another app reads null (UNCONFIRMED).  Ids
    gid://shopify/BulkOperation/N from 7933223797042 in steps of 32768, as
    captured.  The payload shows it as captured: status CREATED, type
    QUERY, objectCount and rootObjectCount "0", errorCode, completedAt,
    fileSize, url and partialDataUrl null, query as sent.
24. The run [bulk][bcap].  The query runs with the Executor when it is
    accepted (a snapshot: later changes to the shop are not in the file;
    UNCONFIRMED), so its nodes are what a paged query returns, the 60-day
    window of decision 11 included.  Every connection lists all of its
    nodes: first and last are ignored [bulk]; after, before, reverse,
    sortKey and query apply (after and before UNCONFIRMED); cursor and
    pageInfo are not written.  The file is JSON Lines as captured: a line
    per node of a connection, compact UTF-8 JSON with '/' written '\/'
    (U+2028/9 escaped; '&' '<' '>' as they are: UNCONFIRMED), keys in the
    order selected (aliases as keys).  Objects that are not connections
    stay inline (inventoryItem { id }); the nodes of a nested connection
    leave their parent's line for lines of their own, with "__parentId"
    last: the id of the node of the enclosing connection, through inline
    objects (variant > inventoryItem > inventoryLevels: the variant's
    id).  The first connection on a path gives the root objects.
    groupObjects true: each node followed by its children, depth first.
    false, the default since 2026-01 [bref]: Shopify promises only that a
    child comes after its parent; the sandbox writes all the roots, then
    all of level 1, then level 2 (UNCONFIRMED: the farthest from grouped,
    so a client that assumes a parent's children follow it fails here).
25. Progress [bcap][cli].  An operation is CREATED for bulk_start seconds
    (default 1), RUNNING while objectCount grows by bulk_rate a second
    (default 500), then COMPLETED: completedAt createdAt + bulk_start +
    objects / bulk_rate, objectCount all lines, rootObjectCount the root
    ones (UnsignedInt64: strings), fileSize the file's bytes (captured:
    95 for a 95-byte file), url the file.  Without objects it is
    COMPLETED at once with url and fileSize null [bulk].  The defaults:
    on a development store 1459 products (id, title) went from createdAt
    02:07:50 to completedAt 02:07:51, the first poll still CREATED; a
    nested query of 5033 objects (1456 roots) stayed RUNNING with
    objectCount "0" through 20 polls half a second apart before its
    count moved [bcap]: some 300 to 1500 objects a second, reported in
    chunks.  500 lies between, slow enough that a client must poll
    (Shopify's CLI polls every second at first [cli]); the sandbox's
    count moves smoothly (UNCONFIRMED).  No published figure for large
    shops was found.  bulk_url_ttl (default 604800: "expire after one
    week"; captured, the url's Expires is completedAt + 604800): after it
    the status is EXPIRED ("The bulk operation URL has expired") and url
    and fileSize are null (UNCONFIRMED).
26. Reading [bref][bcap].  bulkOperation(id:) costs 1 (captured) and is
    the app's operation or null (an unknown BulkOperation id, captured);
    another type's gid is a field error "Invalid id: gid://shopify/
    Product/1" RESOURCE_NOT_FOUND with data null (captured); no gid at
    all "Invalid global id 'x'" as elsewhere.  currentBulkOperation(type:
    QUERY) is the app's latest; MUTATION null (bulk mutations are not
    emulated).  It is deprecated since 2026-01 ("Use bulkOperations with
    status filter instead") and still answered; bulkOperations is not
    emulated.
27. bulkOperationCancel(id:) costs 10 [bcap].  CREATED or RUNNING ->
    CANCELING, then CANCELED after CANCEL_DELAY, 1 s (UNCONFIRMED;
    captured CANCELED at the next poll, 1.5 s later), with objectCount
    what it processed meanwhile and url, partialDataUrl and completedAt
    null (captured); CANCELING -> itself without errors (captured); a
    finished one -> the operation and [{"field": null, "message": "A bulk
    operation cannot be canceled when it is completed"}] (captured for
    COMPLETED; failed, canceled and expired likewise: UNCONFIRMED); an
    unknown one -> bulkOperation null and [{"field": ["id"], "message":
    "Bulk operation does not exist"}].  Its userErrors are UserError, no
    code [sdl].
28. The file's URL [bulk][bcap][cli][gcs].  A signed Google Cloud Storage
    URL, served by the sandbox itself: http://HOST/shopify-tiers-assets-
    prod-us-east1/bulk-operation-outputs/<28 hex>?GoogleAccessId=assets-
    us-prod%40shopify-tiers.iam.gserviceaccount.com&Expires=<epoch>&
    Signature=<base64>&response-content-disposition=attachment%3B+
    filename%3D%22bulk-<N>.jsonl%22%3B+filename%2A%3DUTF-8%27%27bulk-
    <N>.jsonl&response-content-type=application%2Fjsonl, the captured
    form, HOST the GraphQL request's Host.  No Shopify auth: GET
    /_sandbox/state lists every request to it under "storageRequests"
    with whether it carried X-Shopify-Access-Token (or Authorization): a
    client must not send its token to another host, and Shopify's CLI
    fetches the url bare [cli].  GET and HEAD answer 200 with Content-Type
    application/jsonl and the Content-Disposition asked for; "Range:
    bytes=A-B" 206 with Content-Range (past the end 416 InvalidRange).
    The signature covers the path and Expires: anything changed -> 403
    SignatureDoesNotMatch; after Expires on the shop clock -> 400
    ExpiredToken "Invalid argument."; a file gone (a reset) -> 404
    NoSuchKey; another method -> 405; all with GCS's XML error body
    [gcs] (texts from users' reports: UNCONFIRMED).  A fault of kind 500
    there answers GCS's 500 InternalError body (the core asks
    server_error_for(req)); the other kinds as on any path.
29. Failures [bulk].  A fault of kind change {"bulkFail": CODE, "after":
    N} (CODE ACCESS_DENIED, INTERNAL_SERVER_ERROR or TIMEOUT; N, default
    half the objects) makes the next bulk operation created FAILED with
    errorCode CODE once it has processed N objects: objectCount N, url,
    fileSize and completedAt null (UNCONFIRMED), partialDataUrl a URL of
    the same form to the first N objects' lines as the file would have
    them, or null when N is 0 ("Returns null when there's no data
    available").  Any other CODE is ignored.

Settings (--set NAME=VALUE): client_id, client_secret, token_ttl, bucket,
restore, read_all_orders, now, search_lag, order_create_limit,
cost_factor, atomic, bulk_start, bulk_rate, bulk_url_ttl,
bulk_concurrency (see SETTINGS).
"""

import base64
import binascii
import bisect
import gc
import hashlib
import hmac
import json
import math
import random
import re
import secrets
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode

from sandbox import PlatformBase, Response, SetupError, is_int, load_array

VERSION = "2026-10"
GRAPHQL_PATH = "/admin/api/%s/graphql.json" % VERSION
OAUTH_PATH = "/admin/oauth/access_token"
API_KEY = "shpat_sandbox"       # sandbox.py's default for this platform
RATE_LIMIT = None               # limited by cost, below, not by count
SETTINGS = {
    "client_id": "sandbox-client",      # client credentials grant
    "client_secret": "sandbox-secret",
    "token_ttl": "86399",               # seconds a granted token lives
    "bucket": "2000",                   # maximumAvailable (points)
    "restore": "100",                   # restoreRate (points per second)
    "read_all_orders": "false",         # else only the last 60 days
    "now": "2026-11-26T12:00:00Z",      # the shop's "now" for that rule
    "search_lag": "0",                  # seconds a new order stays out of
                                        # orders(query:) (decision 22)
    "order_create_limit": "0",          # orderCreate per minute; 0: none,
                                        # 5: a trial/development store
    "cost_factor": "1",                 # requested costs times this: a
                                        # shop dearer than the rules
    "atomic": "1",                      # inventorySetQuantities applies
                                        # nothing after a userError; 0:
                                        # the valid quantities are set
    "bulk_start": "1",                  # seconds a bulk operation stays
                                        # CREATED (decision 25)
    "bulk_rate": "500",                 # objects a bulk operation
                                        # processes per second
    "bulk_url_ttl": "604800",           # seconds its url lives (7 days)
    "bulk_concurrency": "5",            # bulk queries an app may run at
                                        # once (5 in 2026-01 and later)
}
MAX_QUERY_COST = 1000
MAX_PAGE = 250
MAX_INPUT_ARRAY = 250
MUTATION_COST = 10
ORDER_WINDOW_DAYS = 60
SCOPES = "read_inventory,write_inventory,read_locations,read_orders," \
         "read_products"
RATE_DOC = "https://shopify.dev/api/usage/rate-limits"
UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login " \
               "or wrong password)"
QUANTITY_NAMES = ("available", "committed", "damaged", "incoming", "on_hand",
                  "quality_control", "reserved", "safety_stock")
UNAVAILABLE = ("committed", "damaged", "quality_control", "reserved",
               "safety_stock")          # on_hand = available + these
LEVEL_FIELDS = ("available", "incoming") + UNAVAILABLE
REASONS = ("correction", "cycle_count_available", "damaged",
           "movement_canceled", "movement_created", "movement_received",
           "movement_updated", "other", "promotion", "quality_control",
           "received", "reservation_created", "reservation_deleted",
           "reservation_updated", "restock", "safety_stock", "shrinkage")
QTY_LIMIT = 1000000000
DERIVED = 10 ** 15      # ids of fulfillment orders and their line items
                        # derived for orders whose data has none (decision 18)
ID_BASES = {"Order": 6543210987000, "LineItem": 16012345670000,
            "Fulfillment": 5678901230000, "FulfillmentLineItem":
            14012345670000, "FulfillmentOrder": 7012345600000,
            "FulfillmentOrderLineItem": 22012345670000}
ID_STEPS = {"Order": 41, "LineItem": 13, "Fulfillment": 7,
            "FulfillmentLineItem": 13, "FulfillmentOrder": 29,
            "FulfillmentOrderLineItem": 13}
ACTIVE_FO = ("OPEN", "IN_PROGRESS", "ON_HOLD", "SCHEDULED", "INCOMPLETE")
CENT = Decimal("0.01")
EMAIL_RE = re.compile(r"\A[^@\s]+@[^@\s]+\.[^@\s]+\Z")
TOO_MANY = "Too many attempts. Please try again later."
TIME_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
PRICE_RE = re.compile(r"\A\d+\.\d{2}\Z")
ORDER_NAME_RE = re.compile(r"\A#?[0-9A-Za-z-]+\Z")
URI_RE = re.compile(r"\A[A-Za-z][A-Za-z0-9+.-]*:\S+\Z")
GID_RE = re.compile(r"\Agid://shopify/([A-Za-z]+)/([0-9]+)\Z")
BULK_ID_BASE = 7933223797042    # a captured id; captured ids step 32768
BULK_ID_STEP = 32768
BULK_MAX_QUERY = 65535          # bytes of a bulk query [bcap]
BULK_MAX_CONNECTIONS = 5
BULK_MAX_DEPTH = 2
BULK_ACTIVE = ("CREATED", "RUNNING", "CANCELING")
CANCEL_DELAY = 1.0              # seconds CANCELING lasts (UNCONFIRMED)
STORAGE_BUCKET = "/shopify-tiers-assets-prod-us-east1/"
STORAGE_PREFIX = STORAGE_BUCKET + "bulk-operation-outputs/"
STORAGE_ACCESS_ID = "assets-us-prod@shopify-tiers.iam.gserviceaccount.com"


def gid(kind, n):
    return "gid://shopify/%s/%d" % (kind, n)


def parse_gid(value, kind):
    """The number in gid://shopify/KIND/N, or None.  (No regular
    expression: this runs a few times per order over 100,000 orders.)"""
    if isinstance(value, str) and value.startswith("gid://shopify/"):
        head, sep, tail = value[14:].partition("/")
        if head == kind and sep and tail.isdigit() and tail.isascii() and \
                tail[0] != "0" and len(tail) < 20:
            return int(tail)
    return None


def valid_stamp(text):
    """YYYY-MM-DDTHH:MM:SSZ and a real time (fromisoformat is the quick
    check; valid_time's strptime is slow over 100,000 orders)."""
    if not isinstance(text, str) or not TIME_RE.match(text):
        return False
    try:
        datetime.fromisoformat(text[:-1])
    except ValueError:
        return False
    return True


def stamp(dt):
    return dt.astimezone(timezone.utc).replace(
        microsecond=0, tzinfo=None).isoformat() + "Z"


def parse_stamp(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc)


def shop_tz():
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo("Europe/Amsterdam")
    except Exception:
        return timezone(timedelta(hours=1))


def ruby_decimal(text):
    """A decimal string as Ruby's BigDecimal#to_s("F") writes it."""
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0") or "0"
    return "%s.%s" % (whole, frac)


def to_dec(v):
    """A Decimal input (string, integer or JSON number) as a Decimal, or
    None for null or the empty string.  Never through binary floating
    point: a JSON number is read back from its shortest repr."""
    if v is None or v == "":
        return None
    if type(v) is float:
        v = repr(v)
    try:
        return Decimal(str(v).strip())
    except InvalidOperation:
        return None


def money_text(d):
    """A Decimal amount as Shopify's Decimal scalar prints it ("31.9")."""
    if d == 0:
        d = Decimal(0)
    return ruby_decimal(format(d, "f"))


def money_bag(shop, pres, cur, pcur):
    return {"shopMoney": {"amount": money_text(shop), "currencyCode": cur},
            "presentmentMoney": {"amount": money_text(pres),
                                 "currencyCode": pcur}}


def shopify_json(obj):
    """JSON as Rails renders it: UTF-8, HTML characters escaped."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for c, e in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                 ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(c, e)
    return text.encode("utf-8")


def respond(status, obj, headers=None):
    return Response(status, shopify_json(obj),
                    "application/json; charset=utf-8", headers)


# ====================================================================
# GraphQL: tokens, documents, schema, validation, execution
# ====================================================================

class GqlError(Exception):
    """One entry of errors[]."""

    def __init__(self, message, loc=None, extensions=None, path=None):
        super().__init__(message)
        self.message = message
        self.loc = loc
        self.extensions = extensions
        self.path = path

    def json(self):
        e = {"message": self.message}
        if self.loc:
            e["locations"] = [{"line": self.loc[0], "column": self.loc[1]}]
        if self.path is not None:
            e["path"] = self.path
        if self.extensions:
            e["extensions"] = self.extensions
        return e


class FieldError(Exception):
    """Raised by a resolver: the field is null and errors[] says why."""

    def __init__(self, message, extensions=None):
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class _Null(Exception):
    """A null reached a non-null position: the parent becomes null."""


TOKEN_NAMES = {"!": "BANG", "$": "VAR_SIGN", "&": "AMP", "(": "LPAREN",
               ")": "RPAREN", "...": "ELLIPSIS", ":": "COLON", "=": "EQUALS",
               "@": "DIR_SIGN", "[": "LBRACKET", "]": "RBRACKET",
               "{": "LCURLY", "|": "PIPE", "}": "RCURLY", "NAME": "IDENTIFIER",
               "INT": "INT", "FLOAT": "FLOAT", "STRING": "STRING"}
NAME_RE = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
NUM_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n",
           "r": "\r", "t": "\t"}


def lex_error(text, loc):
    return GqlError('Parse error on "%s" (error) at [%d, %d]'
                    % (text, loc[0], loc[1]), loc)


def tokenize(src):
    """[(kind, value, (line, column))], ending with EOF."""
    toks = []
    i, n, line, start = 0, len(src), 1, 0
    while True:
        while i < n:
            c = src[i]
            if c in " \t,\ufeff":
                i += 1
            elif c == "\n" or c == "\r":
                i += 1
                if c == "\r" and i < n and src[i] == "\n":
                    i += 1
                line, start = line + 1, i
            elif c == "#":
                while i < n and src[i] not in "\r\n":
                    i += 1
            else:
                break
        loc = (line, i - start + 1)
        if i >= n:
            toks.append(("EOF", None, loc))
            return toks
        c = src[i]
        if c == ".":
            if not src.startswith("...", i):
                raise lex_error(".", loc)
            toks.append(("...", "...", loc))
            i += 3
        elif c in "!$&():=@[]{}|":
            toks.append((c, c, loc))
            i += 1
        elif c == "_" or c.isascii() and c.isalpha():
            m = NAME_RE.match(src, i)
            toks.append(("NAME", m.group(), loc))
            i = m.end()
        elif c == "-" or "0" <= c <= "9":
            m = NUM_RE.match(src, i)
            if not m or m.end() < n and (src[m.end()] in "._" or
                                         src[m.end()].isalnum()):
                end = m.end() + 1 if m else i + 1
                raise lex_error(src[i:end], loc)
            kind = "FLOAT" if m.group(1) or m.group(2) else "INT"
            toks.append((kind, m.group(), loc))
            i = m.end()
        elif c == '"':
            if src.startswith('"""', i):
                j = i + 3
                raw = []
                while True:
                    if j >= n:
                        raise GqlError("Unterminated string", loc)
                    if src.startswith('\\"""', j):
                        raw.append('"""')
                        j += 4
                    elif src.startswith('"""', j):
                        j += 3
                        break
                    else:
                        if src[j] == "\n":
                            line, start = line + 1, j + 1
                        raw.append(src[j])
                        j += 1
                toks.append(("STRING", block_string("".join(raw)), loc))
                i = j
            else:
                j = i + 1
                out = []
                while True:
                    if j >= n or src[j] in "\r\n":
                        raise GqlError("Unterminated string", loc)
                    ch = src[j]
                    if ch == '"':
                        j += 1
                        break
                    if ch == "\\":
                        e = src[j + 1:j + 2]
                        if e in ESCAPES:
                            out.append(ESCAPES[e])
                            j += 2
                        elif e == "u" and re.match(r"[0-9A-Fa-f]{4}\Z",
                                                   src[j + 2:j + 6]):
                            out.append(chr(int(src[j + 2:j + 6], 16)))
                            j += 6
                        else:
                            raise GqlError("Bad unicode escape in %r"
                                           % src[j:j + 6], loc)
                    else:
                        out.append(ch)
                        j += 1
                toks.append(("STRING", "".join(out), loc))
                i = j
        else:
            raise lex_error(c, loc)


def block_string(raw):
    lines = raw.splitlines() or [""]
    indent = None
    for ln in lines[1:]:
        stripped = ln.lstrip(" \t")
        if stripped:
            w = len(ln) - len(stripped)
            indent = w if indent is None else min(indent, w)
    if indent:
        lines = [lines[0]] + [ln[indent:] for ln in lines[1:]]
    while lines and not lines[0].strip(" \t"):
        lines.pop(0)
    while lines and not lines[-1].strip(" \t"):
        lines.pop()
    return "\n".join(lines)


class Op:
    def __init__(self, kind, name, var_defs, directives, selections, loc):
        self.kind, self.name, self.var_defs = kind, name, var_defs
        self.directives, self.selections, self.loc = \
            directives, selections, loc


class VarDef:
    def __init__(self, name, typ, default, loc):
        self.name, self.type, self.default, self.loc = name, typ, default, loc


class Field:
    def __init__(self, alias, name, args, directives, selections, loc):
        self.alias, self.name, self.args = alias, name, args
        self.directives, self.selections, self.loc = \
            directives, selections, loc
        self.key = alias or name


class Directive:
    def __init__(self, name, args, loc):
        self.name, self.args, self.loc = name, args, loc


class Fragment:
    """A fragment definition, spread or inline fragment: refused."""

    def __init__(self, kind, name, loc):
        self.kind, self.name, self.loc = kind, name, loc


class Parser:
    """Recursive descent over tokenize()'s tokens.  Values are tuples
    (kind, payload, loc); types ("N", name) / ("L", t) / ("NN", t)."""

    def __init__(self, toks):
        self.toks = toks
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def advance(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def fail(self):
        t = self.peek()
        if t[0] == "EOF":
            raise GqlError("Unexpected end of document", t[2])
        raise GqlError('Parse error on "%s" (%s) at [%d, %d]'
                       % (t[1], TOKEN_NAMES.get(t[0], t[0]), t[2][0],
                          t[2][1]), t[2])

    def expect(self, kind, value=None):
        t = self.peek()
        if t[0] != kind or (value is not None and t[1] != value):
            self.fail()
        self.i += 1
        return t

    def document(self):
        if self.peek()[0] == "EOF":
            self.fail()
        defs = []
        while self.peek()[0] != "EOF":
            defs.append(self.definition())
        return defs

    def definition(self):
        t = self.peek()
        if t[0] == "{":
            return Op("query", None, [], [], self.selection_set(), t[2])
        if t[0] == "NAME" and t[1] in ("query", "mutation", "subscription"):
            self.advance()
            name = self.advance()[1] if self.peek()[0] == "NAME" else None
            var_defs = self.variable_defs() if self.peek()[0] == "(" else []
            dirs = self.directives(False)
            return Op(t[1], name, var_defs, dirs, self.selection_set(), t[2])
        if t[0] == "NAME" and t[1] == "fragment":
            self.advance()
            name = self.expect("NAME")[1]
            self.expect("NAME", "on")
            self.expect("NAME")
            self.directives(False)
            self.selection_set()
            return Fragment("definition", name, t[2])
        self.fail()

    def variable_defs(self):
        self.expect("(")
        out = []
        while True:
            t = self.expect("$")
            name = self.expect("NAME")[1]
            self.expect(":")
            typ = self.type_ref()
            default = None
            if self.peek()[0] == "=":
                self.advance()
                default = self.value(True)
            self.directives(True)
            out.append(VarDef(name, typ, default, t[2]))
            if self.peek()[0] == ")":
                self.advance()
                return out

    def type_ref(self):
        if self.peek()[0] == "[":
            self.advance()
            typ = ("L", self.type_ref())
            self.expect("]")
        else:
            typ = ("N", self.expect("NAME")[1])
        if self.peek()[0] == "!":
            self.advance()
            typ = ("NN", typ)
        return typ

    def selection_set(self):
        self.expect("{")
        sels = []
        while True:
            sels.append(self.selection())
            if self.peek()[0] == "}":
                self.advance()
                return sels

    def selection(self):
        t = self.peek()
        if t[0] == "...":
            self.advance()
            nxt = self.peek()
            if nxt[0] == "NAME" and nxt[1] != "on":
                self.advance()
                self.directives(False)
                return Fragment("spread", nxt[1], t[2])
            if nxt[0] == "NAME":
                self.advance()
                self.expect("NAME")
            self.directives(False)
            self.selection_set()
            return Fragment("inline", None, t[2])
        first = self.expect("NAME")
        alias, name = None, first[1]
        if self.peek()[0] == ":":
            self.advance()
            alias, name = name, self.expect("NAME")[1]
        args = self.arguments(False) if self.peek()[0] == "(" else []
        dirs = self.directives(False)
        sels = self.selection_set() if self.peek()[0] == "{" else None
        return Field(alias, name, args, dirs, sels, first[2])

    def arguments(self, const):
        self.expect("(")
        out = []
        while True:
            t = self.expect("NAME")
            self.expect(":")
            out.append((t[1], self.value(const), t[2]))
            if self.peek()[0] == ")":
                self.advance()
                return out

    def directives(self, const):
        out = []
        while self.peek()[0] == "@":
            t = self.advance()
            name = self.expect("NAME")[1]
            args = self.arguments(const) if self.peek()[0] == "(" else []
            out.append(Directive(name, args, t[2]))
        return out

    def value(self, const):
        t = self.peek()
        k = t[0]
        if k == "$" and not const:
            self.advance()
            return ("var", self.expect("NAME")[1], t[2])
        if k == "INT":
            self.advance()
            return ("int", int(t[1]), t[2])
        if k == "FLOAT":
            self.advance()
            return ("float", float(t[1]), t[2])
        if k == "STRING":
            self.advance()
            return ("string", t[1], t[2])
        if k == "NAME":
            self.advance()
            if t[1] in ("true", "false"):
                return ("bool", t[1] == "true", t[2])
            if t[1] == "null":
                return ("null", None, t[2])
            return ("enum", t[1], t[2])
        if k == "[":
            self.advance()
            items = []
            while self.peek()[0] != "]":
                items.append(self.value(const))
            self.advance()
            return ("list", items, t[2])
        if k == "{":
            self.advance()
            fields = []
            while self.peek()[0] != "}":
                n = self.expect("NAME")
                self.expect(":")
                fields.append((n[1], self.value(const), n[2]))
            self.advance()
            return ("object", fields, t[2])
        self.fail()


def print_type(t):
    if t[0] == "NN":
        return print_type(t[1]) + "!"
    if t[0] == "L":
        return "[%s]" % print_type(t[1])
    return t[1]


def base_name(t):
    while t[0] != "N":
        t = t[1]
    return t[1]


def is_list(t):
    while t[0] == "NN":
        t = t[1]
    return t[0] == "L"


def print_value(v):
    k, p = v[0], v[1]
    if k == "var":
        return "$" + p
    if k == "string":
        return json.dumps(p, ensure_ascii=False)
    if k == "bool":
        return "true" if p else "false"
    if k == "null":
        return "null"
    if k in ("int", "enum"):
        return str(p)
    if k == "float":
        return repr(p)
    if k == "list":
        return "[%s]" % ", ".join(print_value(x) for x in p)
    return "{%s}" % ", ".join("%s: %s" % (n, print_value(x))
                              for n, x, _ in p)


# ---------------------------------------------------------------- schema

SCHEMA_SDL = """
scalar String scalar Int scalar Float scalar Boolean scalar ID
scalar DateTime scalar Decimal scalar URL scalar UnsignedInt64
scalar JSON scalar Money

enum ProductStatus { ACTIVE ARCHIVED DRAFT UNLISTED }
enum CountPrecision { AT_LEAST EXACT }
enum LocationSortKeys { ID NAME RELEVANCE }
enum ProductVariantSortKeys { FULL_TITLE ID INVENTORY_LEVELS_AVAILABLE
  INVENTORY_MANAGEMENT INVENTORY_POLICY INVENTORY_QUANTITY NAME POPULAR
  POSITION RELEVANCE SKU TITLE }
enum OrderSortKeys { CREATED_AT CURRENT_TOTAL_PRICE CUSTOMER_NAME
  DESTINATION FINANCIAL_STATUS FULFILLMENT_STATUS ID ORDER_NUMBER PO_NUMBER
  PROCESSED_AT RELEVANCE TOTAL_ITEMS_QUANTITY TOTAL_PRICE UPDATED_AT }
enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID
  PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
enum OrderDisplayFulfillmentStatus { FULFILLED IN_PROGRESS ON_HOLD OPEN
  PARTIALLY_FULFILLED PENDING_FULFILLMENT REQUEST_DECLINED RESTOCKED
  SCHEDULED UNFULFILLED }
enum FulfillmentStatus { CANCELLED ERROR FAILURE OPEN PENDING SUCCESS }
enum FulfillmentOrderStatus { CANCELLED CLOSED INCOMPLETE IN_PROGRESS ON_HOLD
  OPEN SCHEDULED }
enum FulfillmentOrderRequestStatus { ACCEPTED CANCELLATION_ACCEPTED
  CANCELLATION_REJECTED CANCELLATION_REQUESTED CLOSED REJECTED SUBMITTED
  UNSUBMITTED }
enum FulfillmentOrderAction { CANCEL_FULFILLMENT_ORDER CREATE_FULFILLMENT
  EXTERNAL HOLD MARK_AS_OPEN MERGE MOVE RELEASE_HOLD REPORT_PROGRESS
  REQUEST_CANCELLATION REQUEST_FULFILLMENT SPLIT }
enum FulfillmentDisplayStatus { ATTEMPTED_DELIVERY CANCELED CARRIER_PICKED_UP
  CONFIRMED DELAYED DELIVERED FAILURE FULFILLED IN_TRANSIT LABEL_PRINTED
  LABEL_PURCHASED LABEL_VOIDED MARKED_AS_FULFILLED NOT_DELIVERED
  OUT_FOR_DELIVERY PICKED_UP READY_FOR_PICKUP SUBMITTED }
enum OrderCreateUserErrorCode { FULFILLMENT_SERVICE_INVALID INVALID
  INVENTORY_CLAIM_FAILED PROCESSED_AT_INVALID REDUNDANT_CUSTOMER_FIELDS
  SHOP_DORMANT TAX_LINE_RATE_MISSING }
enum InventorySetQuantitiesUserErrorCode { CHANGE_FROM_QUANTITY_STALE
  COMPARE_QUANTITY_REQUIRED COMPARE_QUANTITY_STALE
  IDEMPOTENCY_CONCURRENT_REQUEST IDEMPOTENCY_KEY_PARAMETER_MISMATCH
  IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED INVALID_INVENTORY_ITEM INVALID_LOCATION
  INVALID_NAME INVALID_QUANTITY_NEGATIVE INVALID_QUANTITY_TOO_HIGH
  INVALID_QUANTITY_TOO_LOW INVALID_REASON INVALID_REFERENCE_DOCUMENT
  ITEM_NOT_STOCKED_AT_LOCATION NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR
  NON_MUTABLE_INVENTORY_ITEM }

type QueryRoot {
  shop: Shop!
  location(id: ID): Location
  locations(first: Int, after: String, last: Int, before: String,
    reverse: Boolean = false, sortKey: LocationSortKeys = NAME,
    query: String, includeInactive: Boolean = false,
    includeLegacy: Boolean = false): LocationConnection!
  productVariant(id: ID!): ProductVariant
  productVariants(first: Int, after: String, last: Int, before: String,
    reverse: Boolean = false, sortKey: ProductVariantSortKeys = ID,
    query: String, savedSearchId: ID): ProductVariantConnection!
  productVariantsCount(query: String, limit: Int = 10000): Count
  inventoryItem(id: ID!): InventoryItem
  order(id: ID!): Order
  fulfillmentOrder(id: ID!): FulfillmentOrder
  orders(first: Int, after: String, last: Int, before: String,
    reverse: Boolean = false, sortKey: OrderSortKeys = PROCESSED_AT,
    query: String, savedSearchId: ID): OrderConnection!
  bulkOperation(id: ID!): BulkOperation
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
}
type Mutation {
  inventorySetQuantities(input: InventorySetQuantitiesInput!):
    InventorySetQuantitiesPayload
  fulfillmentCreate(fulfillment: FulfillmentInput!, message: String):
    FulfillmentCreatePayload
  orderCreate(order: OrderCreateOrderInput!, options: OrderCreateOptionsInput):
    OrderCreatePayload
  bulkOperationRunQuery(query: String!, groupObjects: Boolean! = false):
    BulkOperationRunQueryPayload
  bulkOperationCancel(id: ID!): BulkOperationCancelPayload
}
enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED
  RUNNING }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
enum BulkOperationType { MUTATION QUERY }
enum BulkOperationUserErrorCode { INVALID LIMIT_REACHED OPERATION_IN_PROGRESS }
type BulkOperation { completedAt: DateTime createdAt: DateTime!
  errorCode: BulkOperationErrorCode fileSize: UnsignedInt64 id: ID!
  objectCount: UnsignedInt64! partialDataUrl: URL query: String!
  rootObjectCount: UnsignedInt64! status: BulkOperationStatus!
  type: BulkOperationType! url: URL }
type BulkOperationRunQueryPayload { bulkOperation: BulkOperation
  userErrors: [BulkOperationUserError!]! }
type BulkOperationUserError { code: BulkOperationUserErrorCode
  field: [String!] message: String! }
type BulkOperationCancelPayload { bulkOperation: BulkOperation
  userErrors: [UserError!]! }
type Shop { id: ID! name: String! ianaTimezone: String!
  currencyCode: CurrencyCode! myshopifyDomain: String! }
type Count { count: Int! precision: CountPrecision! }
type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean!
  startCursor: String endCursor: String }
type Location { id: ID! legacyResourceId: UnsignedInt64! name: String!
  isActive: Boolean! isFulfillmentService: Boolean! }
type LocationConnection { edges: [LocationEdge!]! nodes: [Location!]!
  pageInfo: PageInfo! }
type LocationEdge { cursor: String! node: Location! }
type Product { id: ID! legacyResourceId: UnsignedInt64! title: String!
  handle: String! status: ProductStatus! }
type ProductVariant { id: ID! legacyResourceId: UnsignedInt64!
  sku: String barcode: String title: String! displayName: String!
  position: Int! inventoryQuantity: Int price: Money! product: Product!
  inventoryItem: InventoryItem! }
type ProductVariantConnection { edges: [ProductVariantEdge!]!
  nodes: [ProductVariant!]! pageInfo: PageInfo! }
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type InventoryItem { id: ID! legacyResourceId: UnsignedInt64! sku: String
  tracked: Boolean! variant: ProductVariant!
  inventoryLevel(locationId: ID!): InventoryLevel
  inventoryLevels(first: Int, after: String, last: Int, before: String,
    reverse: Boolean = false, query: String): InventoryLevelConnection! }
type InventoryLevel { id: ID! location: Location! item: InventoryItem!
  updatedAt: DateTime!
  quantities(names: [String!]!): [InventoryQuantity!]! }
type InventoryLevelConnection { edges: [InventoryLevelEdge!]!
  nodes: [InventoryLevel!]! pageInfo: PageInfo! }
type InventoryLevelEdge { cursor: String! node: InventoryLevel! }
type InventoryQuantity { name: String! quantity: Int! updatedAt: DateTime }
type Order { id: ID! legacyResourceId: UnsignedInt64! name: String!
  createdAt: DateTime! updatedAt: DateTime! processedAt: DateTime!
  cancelledAt: DateTime closed: Boolean! closedAt: DateTime email: String
  displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  currencyCode: CurrencyCode! totalPriceSet: MoneyBag!
  presentmentCurrencyCode: CurrencyCode! taxesIncluded: Boolean!
  tags: [String!]! note: String customAttributes: [Attribute!]!
  discountCodes: [String!]! sourceName: String sourceIdentifier: String
  phone: String test: Boolean! shippingAddress: MailingAddress
  billingAddress: MailingAddress
  lineItems(first: Int, after: String, last: Int, before: String,
    reverse: Boolean = false): LineItemConnection!
  fulfillments(first: Int): [Fulfillment!]!
  fulfillmentOrders(displayable: Boolean = false, first: Int, after: String,
    last: Int, before: String, reverse: Boolean = false, query: String):
    FulfillmentOrderConnection! }
type Attribute { key: String! value: String }
type MailingAddress { firstName: String lastName: String company: String
  address1: String address2: String city: String provinceCode: String
  zip: String countryCodeV2: CountryCode phone: String }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]!
  pageInfo: PageInfo! }
type OrderEdge { cursor: String! node: Order! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type LineItem { id: ID! sku: String name: String! title: String!
  quantity: Int! currentQuantity: Int! unfulfilledQuantity: Int!
  variant: ProductVariant }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]!
  pageInfo: PageInfo! }
type LineItemEdge { cursor: String! node: LineItem! }
type Fulfillment { id: ID! name: String! status: FulfillmentStatus!
  displayStatus: FulfillmentDisplayStatus createdAt: DateTime!
  updatedAt: DateTime! location: Location totalQuantity: Int!
  trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
  fulfillmentLineItems(first: Int, after: String, last: Int, before: String,
    reverse: Boolean = false): FulfillmentLineItemConnection! }
type FulfillmentLineItem { id: ID! quantity: Int lineItem: LineItem! }
type FulfillmentLineItemConnection { edges: [FulfillmentLineItemEdge!]!
  nodes: [FulfillmentLineItem!]! pageInfo: PageInfo! }
type FulfillmentLineItemEdge { cursor: String! node: FulfillmentLineItem! }
type FulfillmentOrder { id: ID! status: FulfillmentOrderStatus!
  requestStatus: FulfillmentOrderRequestStatus! createdAt: DateTime!
  updatedAt: DateTime! orderId: ID! orderName: String! order: Order!
  assignedLocation: FulfillmentOrderAssignedLocation!
  supportedActions: [FulfillmentOrderSupportedAction!]!
  lineItems(first: Int, after: String, last: Int, before: String,
    reverse: Boolean = false): FulfillmentOrderLineItemConnection! }
type FulfillmentOrderConnection { edges: [FulfillmentOrderEdge!]!
  nodes: [FulfillmentOrder!]! pageInfo: PageInfo! }
type FulfillmentOrderEdge { cursor: String! node: FulfillmentOrder! }
type FulfillmentOrderAssignedLocation { name: String! location: Location }
type FulfillmentOrderSupportedAction { action: FulfillmentOrderAction!
  externalUrl: URL }
type FulfillmentOrderLineItem { id: ID! sku: String totalQuantity: Int!
  remainingQuantity: Int! lineItem: LineItem! }
type FulfillmentOrderLineItemConnection {
  edges: [FulfillmentOrderLineItemEdge!]! nodes: [FulfillmentOrderLineItem!]!
  pageInfo: PageInfo! }
type FulfillmentOrderLineItemEdge { cursor: String!
  node: FulfillmentOrderLineItem! }
type FulfillmentTrackingInfo { company: String number: String url: URL }
type InventorySetQuantitiesPayload {
  inventoryAdjustmentGroup: InventoryAdjustmentGroup
  userErrors: [InventorySetQuantitiesUserError!]! }
type InventorySetQuantitiesUserError {
  code: InventorySetQuantitiesUserErrorCode field: [String!]
  message: String! }
type InventoryAdjustmentGroup { id: ID! createdAt: DateTime!
  reason: String! referenceDocumentUri: String
  changes(inventoryItemIds: [ID!], locationIds: [ID!],
    quantityNames: [String!]): [InventoryChange!]! }
type InventoryChange { name: String! delta: Int! quantityAfterChange: Int
  item: InventoryItem location: Location ledgerDocumentUri: URL }
input InventorySetQuantitiesInput { name: String! reason: String!
  referenceDocumentUri: String quantities: [InventoryQuantityInput!]! }
input InventoryQuantityInput { inventoryItemId: ID! locationId: ID!
  quantity: Int! changeFromQuantity: Int }
type UserError { field: [String!] message: String! }
type FulfillmentCreatePayload { fulfillment: Fulfillment
  userErrors: [UserError!]! }
type OrderCreateUserError { code: OrderCreateUserErrorCode field: [String!]
  message: String! }
type OrderCreatePayload { order: Order userErrors: [OrderCreateUserError!]! }
input FulfillmentInput { trackingInfo: FulfillmentTrackingInput
  notifyCustomer: Boolean = false
  lineItemsByFulfillmentOrder: [FulfillmentOrderLineItemsInput!]!
  originAddress: FulfillmentOriginAddressInput }
input FulfillmentOrderLineItemsInput { fulfillmentOrderId: ID!
  fulfillmentOrderLineItems: [FulfillmentOrderLineItemInput!] }
input FulfillmentOrderLineItemInput { id: ID! quantity: Int! }
input FulfillmentTrackingInput { number: String url: URL company: String
  numbers: [String!] urls: [URL!] }
input OrderCreateOrderInput {
  billingAddress: MailingAddressInput
  buyerAcceptsMarketing: Boolean = null
  closedAt: DateTime
  companyLocationId: ID
  currency: CurrencyCode
  customAttributes: [OrderCreateCustomAttributeInput!]
  customerId: ID
  customer: OrderCreateCustomerInput
  discountCode: OrderCreateDiscountCodeInput
  email: String
  financialStatus: OrderCreateFinancialStatus
  fulfillment: OrderCreateFulfillmentInput
  fulfillmentStatus: OrderCreateFulfillmentStatus
  lineItems: [OrderCreateLineItemInput!]
  metafields: [MetafieldInput!]
  name: String
  note: String
  phone: String
  poNumber: String
  presentmentCurrency: CurrencyCode
  processedAt: DateTime
  referringSite: URL
  shippingAddress: MailingAddressInput
  shippingLines: [OrderCreateShippingLineInput!]
  sourceIdentifier: String
  sourceName: String
  sourceUrl: URL
  tags: [String!]
  taxesIncluded: Boolean = false
  taxLines: [OrderCreateTaxLineInput!]
  test: Boolean = false
  transactions: [OrderCreateOrderTransactionInput!]
  userId: ID
}
input OrderCreateOptionsInput {
  inventoryBehaviour: OrderCreateInputsInventoryBehavior = BYPASS
  sendReceipt: Boolean = false
  sendFulfillmentReceipt: Boolean = false
}
input MailingAddressInput {
  address1: String
  address2: String
  city: String
  company: String
  country: String
  countryCode: CountryCode
  firstName: String
  id: ID
  lastName: String
  phone: String
  province: String
  provinceCode: String
  zip: String
}
enum CurrencyCode { USD EUR GBP CAD AFN ALL DZD AOA ARS AMD AWG AUD BBD AZN
  BDT BSD BHD BIF BYN BZD BMD BTN BAM BRL BOB BWP BND BGN MMK KHR CVE KYD
  XAF CLP CNY COP KMF CDF CRC HRK CZK DKK DJF DOP XCD EGP ERN ETB FKP XPF
  FJD GIP GMD GHS GTQ GYD GEL GNF HTG HNL HKD HUF ISK INR IDR ILS IRR IQD
  JMD JPY JEP JOD KZT KES KID KWD KGS LAK LVL LBP LSL LRD LYD LTL MGA MKD
  MOP MWK MVR MRU MXN MYR MUR MDL MAD MNT MZN NAD NPR ANG NZD NIO NGN NOK
  OMR PAB PKR PGK PYG PEN PHP PLN QAR RON RUB RWF WST SHP SAR RSD SCR SLL
  SGD SDG SOS SYP ZAR KRW SSP SBD LKR SRD SZL SEK CHF TWD THB TJS TZS TOP
  TTD TND TRY TMT UGX UAH AED UYU UZS VUV VES VND XOF YER ZMW USDC BYR STD
  STN VED VEF XXX }
input OrderCreateCustomAttributeInput {
  key: String!
  value: String!
}
input OrderCreateCustomerInput {
  toAssociate: OrderCreateAssociateCustomerAttributesInput
  toUpsert: OrderCreateUpsertCustomerAttributesInput
}
input OrderCreateDiscountCodeInput {
  itemPercentageDiscountCode: OrderCreatePercentageDiscountCodeAttributesInput
  itemFixedDiscountCode: OrderCreateFixedDiscountCodeAttributesInput
  freeShippingDiscountCode: OrderCreateFreeShippingDiscountCodeAttributesInput
}
enum OrderCreateFinancialStatus { PENDING AUTHORIZED PARTIALLY_PAID PAID
  PARTIALLY_REFUNDED REFUNDED VOIDED EXPIRED }
input OrderCreateFulfillmentInput {
  locationId: ID!
  originAddress: FulfillmentOriginAddressInput
  notifyCustomer: Boolean = false
  shipmentStatus: FulfillmentEventStatus
  trackingNumber: String
  trackingCompany: String
}
enum OrderCreateFulfillmentStatus { FULFILLED PARTIAL RESTOCKED }
input OrderCreateLineItemInput {
  fulfillmentService: String
  giftCard: Boolean = false
  priceSet: MoneyBagInput
  productId: ID
  properties: [OrderCreateLineItemPropertyInput!]
  quantity: Int!
  requiresShipping: Boolean = false
  sku: String
  taxLines: [OrderCreateTaxLineInput!]
  taxable: Boolean = true
  title: String
  variantId: ID
  variantTitle: String
  vendor: String
  weight: WeightInput
}
input MetafieldInput {
  id: ID
  namespace: String
  key: String
  value: String
  type: String
}
input OrderCreateShippingLineInput {
  code: String
  priceSet: MoneyBagInput!
  source: String
  taxLines: [OrderCreateTaxLineInput!]
  title: String!
}
input OrderCreateTaxLineInput {
  channelLiable: Boolean = false
  priceSet: MoneyBagInput
  rate: Decimal!
  title: String!
}
input OrderCreateOrderTransactionInput {
  amountSet: MoneyBagInput!
  authorizationCode: String
  deviceId: ID
  gateway: String
  giftCardId: ID
  kind: OrderTransactionKind = SALE
  locationId: ID
  processedAt: DateTime
  receiptJson: JSON
  status: OrderTransactionStatus = SUCCESS
  test: Boolean = false
  userId: ID
}
enum OrderCreateInputsInventoryBehavior { BYPASS DECREMENT_IGNORING_POLICY
  DECREMENT_OBEYING_POLICY }
enum CountryCode { AF AX AL DZ AD AO AI AG AR AM AW AC AU AT AZ BS BH BD BB
  BY BE BZ BJ BM BT BO BA BW BV BR IO BN BG BF BI KH CA CV BQ KY CF TD CL CN
  CX CC CO KM CG CD CK CR HR CU CW CY CZ CI DK DJ DM DO EC EG SV GQ ER EE SZ
  ET FK FO FJ FI FR GF PF TF GA GM GE DE GH GI GR GL GD GP GT GG GN GW GY HT
  HM VA HN HK HU IS IN ID IR IQ IE IM IL IT JM JP JE JO KZ KE KI KP XK KW KG
  LA LV LB LS LR LY LI LT LU MO MG MW MY MV ML MT MQ MR MU YT MX MD MC MN ME
  MS MA MZ MM NA NR NP NL AN NC NZ NI NE NG NU NF MK NO OM PK PS PA PG PY PE
  PH PN PL PT QA CM RE RO RU RW BL SH KN LC MF PM WS SM ST SA SN RS SC SL SG
  SX SK SI SB SO ZA GS KR SS ES LK VC SD SR SJ SE CH SY TW TJ TZ TH TL TG TK
  TO TT TA TN TR TM TC TV UG UA AE GB US UM UY UZ VU VE VN VG WF EH YE ZM ZW
  ZZ }
input OrderCreateAssociateCustomerAttributesInput {
  id: ID
  email: String
}
input OrderCreateUpsertCustomerAttributesInput {
  addresses: [OrderCreateCustomerAddressInput!]
  email: String
  firstName: String
  id: ID
  lastName: String
  multipassIdentifier: String
  note: String
  phone: String
  tags: [String!]
  taxExempt: Boolean
}
input OrderCreatePercentageDiscountCodeAttributesInput {
  code: String!
  percentage: Float
}
input OrderCreateFixedDiscountCodeAttributesInput {
  code: String!
  amountSet: MoneyBagInput
}
input OrderCreateFreeShippingDiscountCodeAttributesInput {
  code: String!
}
input FulfillmentOriginAddressInput {
  address1: String
  address2: String
  city: String
  zip: String
  provinceCode: String
  countryCode: String!
}
enum FulfillmentEventStatus { LABEL_PURCHASED LABEL_PRINTED READY_FOR_PICKUP
  CONFIRMED IN_TRANSIT OUT_FOR_DELIVERY ATTEMPTED_DELIVERY DELAYED DELIVERED
  FAILURE CARRIER_PICKED_UP }
input MoneyBagInput {
  shopMoney: MoneyInput!
  presentmentMoney: MoneyInput
}
input OrderCreateLineItemPropertyInput {
  name: String!
  value: String!
}
input WeightInput {
  value: Float!
  unit: WeightUnit!
}
enum OrderTransactionKind { SALE CAPTURE AUTHORIZATION VOID REFUND CHANGE
  EMV_AUTHORIZATION SUGGESTED_REFUND }
enum OrderTransactionStatus { SUCCESS FAILURE PENDING ERROR
  AWAITING_RESPONSE UNKNOWN }
input OrderCreateCustomerAddressInput {
  address1: String
  address2: String
  city: String
  company: String
  country: String
  firstName: String
  lastName: String
  phone: String
  province: String
  zip: String
}
input MoneyInput {
  amount: Decimal!
  currencyCode: CurrencyCode!
}
enum WeightUnit { KILOGRAMS GRAMS POUNDS OUNCES }

"""


class ArgDef:
    def __init__(self, name, typ, default=None, has_default=False):
        self.name, self.type = name, typ
        self.default, self.has_default = default, has_default


class FieldDef:
    def __init__(self, name, typ, args):
        self.name, self.type, self.args = name, typ, args


class TypeDef:
    def __init__(self, name, kind, values=()):
        self.name, self.kind = name, kind
        self.values = set(values)
        self.fields = {}


def const_value(v):
    k = v[0]
    if k == "list":
        return [const_value(x) for x in v[1]]
    if k == "object":
        return {n: const_value(x) for n, x, _ in v[1]}
    return v[1]


def build_schema(sdl):
    p = Parser(tokenize(sdl))
    types = {}

    def input_value():
        name = p.expect("NAME")[1]
        p.expect(":")
        typ = p.type_ref()
        if p.peek()[0] == "=":
            p.advance()
            return ArgDef(name, typ, const_value(p.value(True)), True)
        return ArgDef(name, typ)

    while p.peek()[0] != "EOF":
        kw = p.expect("NAME")[1]
        name = p.expect("NAME")[1]
        if kw == "scalar":
            types[name] = TypeDef(name, "SCALAR")
        elif kw == "enum":
            p.expect("{")
            vals = []
            while p.peek()[0] != "}":
                vals.append(p.expect("NAME")[1])
            p.advance()
            types[name] = TypeDef(name, "ENUM", vals)
        else:
            td = TypeDef(name, "OBJECT" if kw == "type" else "INPUT_OBJECT")
            p.expect("{")
            while p.peek()[0] != "}":
                if kw == "input":
                    a = input_value()
                    td.fields[a.name] = a
                    continue
                fname = p.expect("NAME")[1]
                args = {}
                if p.peek()[0] == "(":
                    p.advance()
                    while p.peek()[0] != ")":
                        a = input_value()
                        args[a.name] = a
                    p.advance()
                p.expect(":")
                td.fields[fname] = FieldDef(fname, p.type_ref(), args)
            p.advance()
            types[name] = td
    return types


SCHEMA = build_schema(SCHEMA_SDL)
# (type, field) -> (FieldDef, returns a scalar or enum, non-null): for speed.
FIELD_META = {t.name: {f.name: (f, SCHEMA[base_name(f.type)].kind in
                                ("SCALAR", "ENUM"), f.type[0] == "NN")
                       for f in t.fields.values()}
              for t in SCHEMA.values() if t.kind == "OBJECT"}
BOOL_NN = ("NN", ("N", "Boolean"))
DIRECTIVES = {"include": {"if": BOOL_NN}, "skip": {"if": BOOL_NN},
              "idempotent": {"key": ("NN", ("N", "String"))}}
INT32 = 2 ** 31


DECIMAL_RE = re.compile(r"\A\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*\Z")


def scalar_literal_ok(name, v):
    k, p = v[0], v[1]
    if name == "JSON":
        return True
    if name == "Decimal":
        return k in ("int", "float") or (
            k == "string" and (p == "" or DECIMAL_RE.match(p) is not None))
    if name == "Int":
        return k == "int" and -INT32 <= p < INT32
    if name == "Float":
        return k in ("int", "float")
    if name == "Boolean":
        return k == "bool"
    if name == "ID":
        return k in ("string", "int")
    return k == "string"


def coerce_scalar(name, val):
    """(ok, value) for a variable's JSON value."""
    if name == "JSON":
        return True, val
    if name == "Decimal":
        if type(val) in (int, float):
            return True, val
        return isinstance(val, str) and (
            val == "" or DECIMAL_RE.match(val) is not None), val
    if name == "Int":
        return is_int(val) and -INT32 <= val < INT32, val
    if name == "Float":
        ok = type(val) in (int, float)
        return ok, float(val) if ok else val
    if name == "Boolean":
        return type(val) is bool, val
    if name == "ID":
        if is_int(val):
            return True, str(val)
        return isinstance(val, str), val
    return isinstance(val, str), val


def compatible(vt, lt):
    """Whether a variable of type vt may be used where lt is expected."""
    if lt[0] == "NN":
        return vt[0] == "NN" and compatible(vt[1], lt[1])
    if vt[0] == "NN":
        return compatible(vt[1], lt)
    if lt[0] == "L":
        return vt[0] == "L" and compatible(vt[1], lt[1])
    return vt[0] == "N" and vt[1] == lt[1]


def strip_nn(t):
    if t[0] == "NN":
        return strip_nn(t[1])
    if t[0] == "L":
        return ("L", strip_nn(t[1]))
    return t


class Validator:
    """graphql-ruby's static validation, for the schema subset."""

    def __init__(self, doc):
        self.doc = doc
        self.errors = []

    def err(self, msg, loc, ext, path=None):
        self.errors.append(GqlError(msg, loc, ext, path))

    def run(self):
        ops = [d for d in self.doc if isinstance(d, Op)]
        for d in self.doc:
            if isinstance(d, Fragment):
                self.not_emulated(d)
        names = set()
        for op in ops:
            if op.name is not None:
                if op.name in names:
                    self.err('Operation name "%s" must be unique' % op.name,
                             op.loc, {"code": "operationNotUnique",
                                      "operationName": op.name})
                names.add(op.name)
        if len(ops) > 1 and any(op.name is None for op in ops):
            self.err("Operation name is required when multiple operations "
                     "are present", ops[0].loc,
                     {"code": "loneAnonymousOperation"})
        for op in ops:
            self.operation(op)
        return self.errors

    def not_emulated(self, frag):
        what = {"definition": "fragment %s" % frag.name,
                "spread": "...%s" % frag.name,
                "inline": "an inline fragment"}[frag.kind]
        self.err("The sandbox does not implement fragments (%s); write the "
                 "fields out" % what, frag.loc, {"code": "NOT_EMULATED"})

    def operation(self, op):
        if op.kind == "subscription":
            self.err("Schema is not configured for subscriptions", op.loc,
                     {"code": "missingSubscriptionConfiguration"})
            return
        root = "QueryRoot" if op.kind == "query" else "Mutation"
        self.op_path = op.kind + (" " + op.name if op.name else "")
        self.op_desc = op.name or "anonymous " + op.kind
        self.vars = {}
        self.used = set()
        self.undeclared = set()
        for vd in op.var_defs:
            if vd.name in self.vars:
                self.err('There can only be one variable named "%s"'
                         % vd.name, vd.loc, {"code": "variableNotUnique",
                                             "variableName": vd.name})
                continue
            td = SCHEMA.get(base_name(vd.type))
            if td is None or td.kind == "OBJECT":
                self.err("%s isn't a defined input type (on $%s)"
                         % (print_type(vd.type), vd.name), vd.loc,
                         {"code": "variableRequiresValidType",
                          "typeName": print_type(vd.type),
                          "variableName": vd.name})
                continue
            if vd.default is not None:
                if not self.literal_ok(vd.default, vd.type, [], [],
                                       vd.name):
                    self.err("Default value for $%s doesn't match type %s"
                             % (vd.name, print_type(vd.type)), vd.loc,
                             {"code": "defaultValueInvalidType",
                              "variableName": vd.name,
                              "typeName": print_type(vd.type)})
            self.vars[vd.name] = vd
        for d in op.directives:
            self.err("'@%s' can't be applied to %ss (allowed: fields)"
                     % (d.name, op.kind), d.loc,
                     {"code": "directiveCannotBeApplied",
                      "targetName": op.kind, "name": d.name})
        self.selections(op.selections, root, [self.op_path])
        for name, vd in self.vars.items():
            if name not in self.used:
                self.err("Variable $%s is declared by %s but not used"
                         % (name, self.op_desc), vd.loc,
                         {"code": "variableNotUsed", "variableName": name})

    def selections(self, sels, tname, path):
        td = SCHEMA[tname]
        seen = {}
        for sel in sels:
            if isinstance(sel, Fragment):
                self.not_emulated(sel)
                continue
            fpath = path + [sel.key]
            self.directives(sel, fpath)
            if sel.name == "__typename":
                if sel.args:
                    self.err("Field '__typename' doesn't accept argument "
                             "'%s'" % sel.args[0][0], sel.args[0][2],
                             {"code": "argumentNotAccepted",
                              "name": "__typename", "typeName": "Field",
                              "argumentName": sel.args[0][0]}, fpath)
                if sel.selections is not None:
                    self.scalar_selection(sel, "String!", "scalars", fpath)
                continue
            if sel.name in ("__schema", "__type"):
                self.err("The sandbox does not implement introspection (%s)"
                         % sel.name, sel.loc, {"code": "NOT_EMULATED"},
                         fpath)
                continue
            fdef = td.fields.get(sel.name)
            if fdef is None:
                self.err("Field '%s' doesn't exist on type '%s'"
                         % (sel.name, tname), sel.loc,
                         {"code": "undefinedField", "typeName": tname,
                          "fieldName": sel.name}, fpath)
                continue
            prev = seen.get(sel.key)
            if prev is not None and (
                    prev.name != sel.name or
                    sorted((n, print_value(v)) for n, v, _ in prev.args) !=
                    sorted((n, print_value(v)) for n, v, _ in sel.args)):
                self.err("Field '%s' has a field conflict: %s or %s?"
                         % (sel.key, self.describe(prev), self.describe(sel)),
                         sel.loc, {"code": "fieldConflict",
                                   "fieldName": sel.key}, fpath)
            seen[sel.key] = sel
            self.arguments(sel, fdef, fpath)
            named = base_name(fdef.type)
            child = SCHEMA[named]
            if child.kind in ("SCALAR", "ENUM"):
                if sel.selections is not None:
                    self.scalar_selection(
                        sel, print_type(fdef.type),
                        "scalars" if child.kind == "SCALAR" else "enums",
                        fpath)
            elif sel.selections is None:
                self.err("Field must have selections (field '%s' returns %s "
                         "but has no selections. Did you mean '%s { ... }'?)"
                         % (sel.name, print_type(fdef.type), sel.name),
                         sel.loc, {"code": "selectionMismatch",
                                   "nodeName": "field '%s'" % sel.name,
                                   "typeName": print_type(fdef.type)}, fpath)
            else:
                self.selections(sel.selections, named, fpath)

    @staticmethod
    def describe(f):
        args = ", ".join("%s: %s" % (n, print_value(v)) for n, v, _ in f.args)
        return "%s%s" % (f.name, "(%s)" % args if args else "")

    def scalar_selection(self, sel, typ, word, path):
        names = ", ".join(s.name if isinstance(s, Field) else "..."
                          for s in sel.selections)
        self.err("Selections can't be made on %s (field '%s' returns %s but "
                 "has selections [%s])" % (word, sel.name, typ, names),
                 sel.loc, {"code": "selectionMismatch",
                           "nodeName": "field '%s'" % sel.name,
                           "typeName": typ}, path)

    def arguments(self, sel, fdef, path):
        given = set()
        for name, value, loc in sel.args:
            if name in given:
                self.err('There can be only one argument named "%s"' % name,
                         loc, {"code": "argumentNotUnique", "name": name},
                         path)
                continue
            given.add(name)
            adef = fdef.args.get(name)
            if adef is None:
                self.err("Field '%s' doesn't accept argument '%s'"
                         % (sel.name, name), loc,
                         {"code": "argumentNotAccepted", "name": sel.name,
                          "typeName": "Field", "argumentName": name}, path)
                continue
            self.check_value(value, adef.type, name, "Field", sel.name, path)
        missing = [a.name for a in fdef.args.values()
                   if a.type[0] == "NN" and not a.has_default and
                   a.name not in given]
        if missing:
            self.err("Field '%s' is missing required arguments: %s"
                     % (sel.name, ", ".join(missing)), sel.loc,
                     {"code": "missingRequiredArguments",
                      "className": "Field", "name": sel.name,
                      "arguments": ", ".join(missing)}, path)

    def directives(self, sel, path):
        seen = set()
        for d in sel.directives:
            spec = DIRECTIVES.get(d.name)
            if spec is None:
                self.err("Directive @%s is not defined" % d.name, d.loc,
                         {"code": "undefinedDirective",
                          "directiveName": d.name}, path)
                continue
            if d.name in seen:
                self.err('The directive "%s" can only be used once at this '
                         'location.' % d.name, d.loc,
                         {"code": "directiveNotUniqueForLocation",
                          "directiveName": d.name}, path)
            seen.add(d.name)
            given = set()
            for an, av, al in d.args:
                if an not in spec:
                    self.err("Directive '%s' doesn't accept argument '%s'"
                             % (d.name, an), al,
                             {"code": "argumentNotAccepted", "name": d.name,
                              "typeName": "Directive", "argumentName": an},
                             path)
                    continue
                given.add(an)
                self.check_value(av, spec[an], an, "Directive", d.name, path)
            missing = [a for a in spec if a not in given]
            if missing:
                self.err("Directive '%s' is missing required arguments: %s"
                         % (d.name, ", ".join(missing)), d.loc,
                         {"code": "missingRequiredArguments",
                          "className": "Directive", "name": d.name,
                          "arguments": ", ".join(missing)}, path)

    def check_value(self, value, typ, argname, kind, owner, path):
        specific = []
        if not self.literal_ok(value, typ, specific, path, argname) and \
                not specific:
            self.err("Argument '%s' on %s '%s' has an invalid value (%s). "
                     "Expected type '%s'." % (argname, kind, owner,
                                              print_value(value),
                                              print_type(typ)),
                     value[2], {"code": "argumentLiteralsIncompatible",
                                "typeName": kind, "argumentName": argname},
                     path)
        self.errors.extend(specific)

    def literal_ok(self, v, t, specific, path, argname):
        kind = v[0]
        if kind == "var":
            self.use_var(v, t, path, argname)
            return True
        if t[0] == "NN":
            return kind != "null" and self.literal_ok(v, t[1], specific,
                                                      path, argname)
        if kind == "null":
            return True
        if t[0] == "L":
            if kind == "list":
                return all([self.literal_ok(x, t[1], specific, path, argname)
                            for x in v[1]])
            return self.literal_ok(v, t[1], specific, path, argname)
        td = SCHEMA[t[1]]
        if td.kind == "SCALAR":
            return scalar_literal_ok(td.name, v)
        if td.kind == "ENUM":
            return kind == "enum" and v[1] in td.values
        if kind != "object":
            return False
        ok = True
        seen = set()
        for fname, fv, floc in v[1]:
            fdef = td.fields.get(fname)
            if fdef is None:
                specific.append(GqlError(
                    "InputObject '%s' doesn't accept argument '%s'"
                    % (td.name, fname), floc,
                    {"code": "argumentNotAccepted", "name": td.name,
                     "typeName": "InputObject", "argumentName": fname},
                    path))
                ok = False
                continue
            seen.add(fname)
            if not self.literal_ok(fv, fdef.type, specific, path, fname):
                ok = False
        for fdef in td.fields.values():
            if fdef.type[0] == "NN" and not fdef.has_default and \
                    fdef.name not in seen:
                specific.append(GqlError(
                    "Argument '%s' on InputObject '%s' is required. Expected "
                    "type %s" % (fdef.name, td.name, print_type(fdef.type)),
                    v[2], {"code": "missingRequiredInputObjectAttribute",
                           "argumentName": fdef.name,
                           "argumentType": print_type(fdef.type),
                           "inputObjectType": td.name}, path))
                ok = False
        return ok

    def use_var(self, v, t, path, argname):
        name = v[1]
        self.used.add(name)
        vd = self.vars.get(name)
        if vd is None:
            if name not in self.undeclared:
                self.undeclared.add(name)
                self.err("Variable $%s is used by %s but not declared"
                         % (name, self.op_desc), v[2],
                         {"code": "variableNotDefined",
                          "variableName": name}, path)
            return
        vt = vd.type
        ok = compatible(vt, t) or (
            vd.default is not None and vd.default[0] != "null" and
            t[0] == "NN" and compatible(vt, t[1]))
        if ok:
            return
        what = "Nullability" if strip_nn(vt) == strip_nn(t) else "Type"
        self.err("%s mismatch on variable $%s and argument %s (%s / %s)"
                 % (what, name, argname, print_type(vt), print_type(t)),
                 v[2], {"code": "variableMismatch", "variableName": name,
                        "typeName": print_type(vt), "argumentName": argname,
                        "errorMessage": "%s mismatch" % what}, path)


def coerce_input(val, t, path, problems):
    """A variable's JSON value as the type wants it; problems collects
    graphql-ruby's {"path", "explanation"}.  Input objects keep only the
    fields that were given or have defaults: presence matters
    (changeFromQuantity)."""
    if t[0] == "NN":
        if val is None:
            problems.append({"path": path,
                             "explanation": "Expected value to not be null"})
            return None
        return coerce_input(val, t[1], path, problems)
    if val is None:
        return None
    if t[0] == "L":
        if isinstance(val, list):
            return [coerce_input(x, t[1], path + [i], problems)
                    for i, x in enumerate(val)]
        return [coerce_input(val, t[1], path, problems)]
    td = SCHEMA[t[1]]
    if td.kind == "SCALAR":
        ok, v = coerce_scalar(td.name, val)
        if not ok:
            problems.append({"path": path, "explanation":
                             "Could not coerce value %s to %s"
                             % (json.dumps(val, ensure_ascii=False),
                                td.name)})
        return v
    if td.kind == "ENUM":
        if not (isinstance(val, str) and val in td.values):
            problems.append({"path": path, "explanation":
                             "Expected %s to be one of: %s"
                             % (json.dumps(val, ensure_ascii=False),
                                ", ".join(sorted(td.values)))})
        return val
    if not isinstance(val, dict):
        problems.append({"path": path, "explanation":
                         "Expected %s to be a key-value object."
                         % json.dumps(val, ensure_ascii=False)})
        return None
    out = {}
    for k in val:
        if k not in td.fields:
            problems.append({"path": path + [k], "explanation":
                             "Field is not defined on %s" % td.name})
    for f in td.fields.values():
        if f.name in val:
            out[f.name] = coerce_input(val[f.name], f.type, path + [f.name],
                                       problems)
        elif f.has_default:
            out[f.name] = f.default
        elif f.type[0] == "NN":
            problems.append({"path": path + [f.name], "explanation":
                             "Expected value to not be null"})
    return out


class Executor:
    """One operation: argument values, cost, execution, actual cost."""

    def __init__(self, platform, op, variables):
        self.platform = platform
        self.op = op
        self.vars = variables
        self.errors = []
        self.errored = set()
        self.pre_errors = []
        self.search = []
        self.field_cache = {}
        self.root = "QueryRoot" if op.kind == "query" else "Mutation"

    # ---- values

    def value_of(self, v, t):
        kind = v[0]
        if kind == "var":
            return self.vars.get(v[1])
        if t[0] == "NN":
            return self.value_of(v, t[1])
        if kind == "null":
            return None
        if t[0] == "L":
            if kind == "list":
                return [self.value_of(x, t[1]) for x in v[1]]
            return [self.value_of(v, t[1])]
        td = SCHEMA[t[1]]
        if td.kind == "INPUT_OBJECT":
            return self.object_of(dict((n, x) for n, x, _ in v[1]), td.fields)
        if td.name == "Float":
            return float(v[1])
        if td.name == "ID" and kind == "int":
            return str(v[1])
        return v[1]

    def object_of(self, given, defs):
        out = {}
        for a in defs.values():
            if a.name in given:
                val = given[a.name]
                if val[0] == "var" and val[1] not in self.vars:
                    if a.has_default:
                        out[a.name] = a.default
                    continue
                out[a.name] = self.value_of(val, a.type)
            elif a.has_default:
                out[a.name] = a.default
        return out

    def args_of(self, field, fdef):
        return self.object_of(dict((n, x) for n, x, _ in field.args),
                              fdef.args)

    def directive_arg(self, field, dname, aname):
        """(present, value) of @dname(aname:) on field."""
        for d in field.directives:
            if d.name == dname:
                for n, v, _ in d.args:
                    if n == aname:
                        return True, self.value_of(v, DIRECTIVES[dname][aname])
                return True, None
        return False, None

    def fields(self, sels):
        """The fields of a selection set that @skip/@include keep."""
        got = self.field_cache.get(id(sels))
        if got is None:
            got = []
            for f in sels:
                if not isinstance(f, Field):
                    continue
                skip = self.directive_arg(f, "skip", "if")
                inc = self.directive_arg(f, "include", "if")
                if (skip[0] and skip[1]) or (inc[0] and not inc[1]):
                    continue
                got.append(f)
            self.field_cache[id(sels)] = got
        return got

    # ---- cost

    def requested_cost(self):
        if self.op.kind == "mutation":
            return MUTATION_COST * sum(
                1 for f in self.fields(self.op.selections)
                if f.name != "__typename")
        return self.cost_of(self.op.selections, self.root, [])

    def cost_of(self, sels, tname, path):
        td = SCHEMA[tname]
        total = 0
        for f in self.fields(sels):
            if f.name == "__typename":
                continue
            fdef = td.fields[f.name]
            named = base_name(fdef.type)
            if SCHEMA[named].kind in ("SCALAR", "ENUM"):
                continue
            fpath = path + [f.key]
            args = self.args_of(f, fdef)
            if named.endswith("Connection"):
                size = self.page_size(args, f, fpath)
                total += 2 + size * self.node_cost(f.selections, named, fpath)
            elif is_list(fdef.type):
                size = args.get("first") if "first" in fdef.args else None
                if size is not None and size < 0:
                    self.pre_errors.append(GqlError(
                        "The first argument must be a non-negative integer.",
                        f.loc, {"code": "argumentLiteralsIncompatible"},
                        fpath))
                    size = 0
                total += (1 if size is None else size) * (
                    1 + self.cost_of(f.selections, named, fpath))
            else:
                total += 1 + self.cost_of(f.selections, named, fpath)
        return total

    def page_size(self, args, f, path):
        first, last = args.get("first"), args.get("last")
        if first is None and last is None:
            self.pre_errors.append(GqlError(
                "you must provide one of first or last", f.loc, None, path))
            return 0
        for name, v in (("first", first), ("last", last)):
            if v is None:
                continue
            if v > MAX_PAGE:
                self.pre_errors.append(GqlError(
                    "The %s argument must be less than or equal to %d."
                    % (name, MAX_PAGE), f.loc,
                    {"code": "argumentLiteralsIncompatible",
                     "argumentName": name}, path))
            elif v < 0:
                self.pre_errors.append(GqlError(
                    "The %s argument must be a non-negative integer." % name,
                    f.loc, {"code": "argumentLiteralsIncompatible",
                            "argumentName": name}, path))
        return max(v for v in (first, last) if v is not None)

    def node_cost(self, sels, conn, path):
        node = base_name(SCHEMA[conn].fields["nodes"].type)
        best = 0
        for f in self.fields(sels):
            if f.name == "nodes":
                best = max(best, 1 + self.cost_of(f.selections, node,
                                                  path + [f.key]))
            elif f.name == "edges":
                for g in self.fields(f.selections):
                    if g.name == "node":
                        best = max(best, 1 + self.cost_of(
                            g.selections, node, path + [f.key, g.key]))
        return best or 1

    def actual_cost(self, data, requested):
        if self.op.kind == "mutation":
            return requested
        return min(requested,
                   self.actual_of(self.op.selections, self.root, data))

    def actual_of(self, sels, tname, data):
        if data is None:
            return 0
        meta = FIELD_META[tname]
        total = 0
        for f in self.fields(sels):
            if f.name == "__typename":
                continue
            fdef, leaf, _ = meta[f.name]
            if leaf:
                continue
            named = base_name(fdef.type)
            v = data.get(f.key)
            if named.endswith("Connection"):
                node = base_name(SCHEMA[named].fields["nodes"].type)
                best = 0
                for g in self.fields(f.selections) if v else ():
                    if g.name == "nodes" and v.get(g.key) is not None:
                        best = max(best, sum(
                            1 + self.actual_of(g.selections, node, x)
                            for x in v[g.key]))
                    elif g.name == "edges" and v.get(g.key) is not None:
                        for h in self.fields(g.selections):
                            if h.name == "node":
                                best = max(best, sum(
                                    1 + self.actual_of(h.selections, node,
                                                       e.get(h.key))
                                    for e in v[g.key]))
                total += 2 + max(1, best)
            elif is_list(fdef.type):
                costs = [1 + self.actual_of(f.selections, named, x)
                         for x in v or ()]
                if "first" in fdef.args:
                    total += sum(costs)
                elif costs:
                    total += max(costs)     # an unsized list counts once
            else:
                total += 1 + self.actual_of(f.selections, named, v)
        return total

    # ---- execution

    def run(self):
        try:
            return self.select(self.op.selections, self.root, None, [])
        except _Null:
            return None

    def select(self, sels, tname, obj, path):
        meta = FIELD_META[tname]
        out = {}
        resolvers = self.platform.RESOLVERS
        for f in self.fields(sels):
            if f.name == "__typename":
                out[f.key] = tname
                continue
            fdef, leaf, nonnull = meta[f.name]
            r = resolvers.get((tname, f.name))
            if r is None:
                value = obj.get(f.name)
                if leaf and (value is not None or not nonnull):
                    out[f.key] = value      # the common case, made quick
                    continue
                fpath = path + [f.key]
            else:
                fpath = path + [f.key]
                try:
                    value = r(self.platform, obj, self.args_of(f, fdef), self,
                              f, fpath)
                except FieldError as e:
                    self.errors.append(GqlError(e.message, f.loc,
                                                e.extensions, fpath))
                    self.errored.add(tuple(fpath))
                    value = None
            out[f.key] = self.complete(fdef.type, value, f, fpath)
        return out

    def complete(self, t, value, f, path):
        if t[0] == "NN":
            r = self.complete(t[1], value, f, path)
            if r is None:
                if tuple(path) not in self.errored:
                    self.errored.add(tuple(path))
                    self.errors.append(GqlError(
                        "Cannot return null for non-nullable field %s"
                        % f.name, f.loc, None, path))
                raise _Null()
            return r
        if value is None:
            return None
        if t[0] == "L":
            try:
                return [self.complete(t[1], v, f, path + [i])
                        for i, v in enumerate(value)]
            except _Null:
                return None
        td = SCHEMA[t[1]]
        if td.kind in ("SCALAR", "ENUM"):
            return value
        try:
            return self.select(f.selections, td.name, value, path)
        except _Null:
            return None


class BulkExecutor(Executor):
    """The Executor for a bulk query (decision 24): every connection lists
    all of its nodes, its first and last ignored, as the bulk guide says
    ("The first argument is optional and ignored if present")."""

    def args_of(self, field, fdef):
        args = Executor.args_of(self, field, fdef)
        if base_name(fdef.type).endswith("Connection"):
            args["first"], args["last"] = sys.maxsize, None
        return args


class BulkInvalid(Exception):
    """A bulk query that bulkOperationRunQuery refuses: its userErrors'
    messages, all with code INVALID and field ["query"]."""

    def __init__(self, messages):
        super().__init__(messages[0])
        self.messages = messages


def has_plain_id(sels):
    """Whether a selection set has the field id without an alias."""
    return any(isinstance(f, Field) and f.name == "id" and f.alias is None
               for f in sels)


def bulk_rules(op):
    """The messages of the bulk query rules [bcap] that op breaks, in the
    order bulk_errors gives them: connections read through edges > node,
    at most 5 connections, nested at most 2 deep, the parent node of a
    nested connection selects its id, no connection inside a list, at
    least one connection."""
    st = {"count": 0, "depth": 0, "nodes": [], "no_id": [], "in_list": False}

    def visit(sels, tname, level, in_list, parent):
        for f in sels:
            if not isinstance(f, Field) or f.name == "__typename":
                continue
            fdef = SCHEMA[tname].fields[f.name]
            named = base_name(fdef.type)
            if SCHEMA[named].kind in ("SCALAR", "ENUM"):
                continue
            if not named.endswith("Connection"):
                visit(f.selections, named, level,
                      in_list or is_list(fdef.type), parent)
                continue
            st["count"] += 1
            st["depth"] = max(st["depth"], level)
            st["in_list"] = st["in_list"] or in_list
            if parent is not None and not has_plain_id(parent[1]) and \
                    parent[0] not in st["no_id"]:
                st["no_id"].append(parent[0])
            node = base_name(SCHEMA[named].fields["nodes"].type)
            inner = None
            for g in f.selections:
                if isinstance(g, Field) and g.name == "edges":
                    for h in g.selections:
                        if isinstance(h, Field) and h.name == "node":
                            inner = h.selections
                elif isinstance(g, Field) and g.name == "nodes":
                    st["nodes"].append(f.name)
                    visit(g.selections, node, level + 1, False,
                          (f.name, g.selections))
            if inner is None:
                if f.name not in st["nodes"]:
                    st["nodes"].append(f.name)
            else:
                visit(inner, node, level + 1, False, (f.name, inner))
    visit(op.selections, "QueryRoot", 0, False, None)
    out = []
    if st["nodes"]:
        out.append("All connection fields in a bulk query must select their "
                   "contents using 'edges' > 'node', e.g: '%s { edges { node "
                   "{'. Selecting via 'nodes' is not supported. Invalid "
                   "connection fields: %s." % (st["nodes"][0], ", ".join(
                       "'%s'" % n for n in st["nodes"])))
    if st["depth"] > BULK_MAX_DEPTH:
        out.append("Bulk queries cannot contain connections with a nesting "
                   "depth greater than %d." % BULK_MAX_DEPTH)
    if st["count"] > BULK_MAX_CONNECTIONS:
        out.append("Bulk queries cannot contain more than %d connections."
                   % BULK_MAX_CONNECTIONS)
    if st["no_id"]:
        out.append("The parent 'node' field for a nested connection must "
                   "select the 'id' field without an alias and must be of "
                   "'ID' return type. Connection fields without 'id': %s."
                   % ", ".join(st["no_id"]))
    if st["in_list"]:
        out.append("Queries that contain a connection field within a list "
                   "field are not currently supported.")
    if not st["count"]:
        out.append("Bulk queries must contain at least one connection.")
    elif len([f for f in op.selections if isinstance(f, Field) and
              f.name != "__typename"]) > 1:
        out.append("Bulk queries cannot contain more than one top level "
                   "field.")
    return out


def bulk_lines(ex, op, data):
    """[(level, line)] of a bulk query's result in the order the run
    processes them: a node, then the nodes of its nested connections,
    each with "__parentId" (the id of its connection parent).  Nested
    connections leave their node; other objects stay inline; the first
    connection on a path gives the root objects (level 0)."""
    out = []

    def edges_of(f, value):
        for g in ex.fields(f.selections):
            if g.name == "edges" and value.get(g.key) is not None:
                for h in ex.fields(g.selections):
                    if h.name == "node":
                        return h, [e[h.key] for e in value[g.key]]
        return None, []

    def strip(sels, tname, value, nested):
        line = {}
        for g in ex.fields(sels):
            if g.key in line:
                continue
            v = value.get(g.key)
            if g.name == "__typename":
                line[g.key] = v
                continue
            fdef = SCHEMA[tname].fields[g.name]
            named = base_name(fdef.type)
            if named.endswith("Connection"):
                if v is not None and all(n is not g for n, _, _ in nested):
                    nested.append((g, named, v))
            elif v is not None and SCHEMA[named].kind == "OBJECT" and \
                    not is_list(fdef.type):
                line[g.key] = strip(g.selections, named, v, nested)
            else:
                line[g.key] = v
        return line

    def connection(f, named, value, parent, level):
        h, nodes = edges_of(f, value)
        node = base_name(SCHEMA[named].fields["nodes"].type)
        for n in nodes:
            nested = []
            line = strip(h.selections, node, n, nested)
            if parent is not None:
                line["__parentId"] = parent
            out.append((level, line))
            for g, gnamed, v in nested:
                connection(g, gnamed, v, n.get("id"), level + 1)
    for f in ex.fields(op.selections):
        if f.name == "__typename" or data is None:
            continue
        v = data.get(f.key)
        named = base_name(SCHEMA["QueryRoot"].fields[f.name].type)
        if v is None:
            continue
        if named.endswith("Connection"):
            connection(f, named, v, None, 0)
        else:
            nested = []
            strip(f.selections, named, v, nested)
            for g, gnamed, gv in nested:
                connection(g, gnamed, gv, None, 0)
    return out


def jsonl_line(obj):
    """One line of a bulk operation's file, as captured [bcap]: compact
    UTF-8 JSON with '/' written as '\\/' (and U+2028/9 escaped)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for c, e in (("/", "\\/"), ("\u2028", "\\u2028"),
                 ("\u2029", "\\u2029")):
        text = text.replace(c, e)
    return (text + "\n").encode("utf-8")


def gcs_error(status, code, message, headers=None):
    """An error of Google Cloud Storage's XML API [gcs]."""
    return Response(status, ("<?xml version='1.0' encoding='UTF-8'?><Error>"
                             "<Code>%s</Code><Message>%s</Message></Error>"
                             % (code, message)).encode("utf-8"),
                    "application/xml; charset=UTF-8", headers)


# ====================================================================
# search syntax (the query: argument)
# ====================================================================

SEARCH_TOKEN_RE = re.compile(
    r"""\s+|\(|\)|(?:\\.|[^\s()'"\\]|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")+""",
    re.S)
ESCAPED_RE = re.compile(r"\\(.)", re.S)
TERM_RE = re.compile(r"\A([A-Za-z_][A-Za-z0-9_.]*):(<=|>=|<|>)?(.*)\Z", re.S)
DATE_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
STAMP_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                      r"(Z|[+-]\d{2}:?\d{2})\Z")


def unquote(text):
    """A value without its quotes and its backslash escapes (\\' \\:)."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return ESCAPED_RE.sub(r"\1", text[1:-1]), True
    return ESCAPED_RE.sub(r"\1", text), False


class Search:
    """A parsed query: string.  fields maps a field name to a function
    (comparator, value, quoted) -> predicate or a warning string;
    free(value) -> predicate for free text."""

    def __init__(self, text, fields, free):
        self.fields = fields
        self.free = free
        self.warnings = []
        toks = [t for t in SEARCH_TOKEN_RE.findall(text) if t.strip()]
        self.toks = toks
        self.i = 0
        self.pred = self.or_expr() if toks else None
        while self.i < len(self.toks):        # a stray ")"
            self.i += 1
            self.warnings.append({"field": None,
                                  "message": "Unbalanced parenthesis."})

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def or_expr(self):
        parts = [self.and_expr()]
        while self.peek() == "OR":
            self.i += 1
            parts.append(self.and_expr())
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        if any(p is True for p in parts):
            return True
        return parts[0] if len(parts) == 1 else \
            (lambda x, ps=parts: any(p(x) for p in ps))

    def and_expr(self):
        parts = []
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.i += 1
                continue
            parts.append(self.unary())
        parts = [p for p in parts if p is not None and p is not True]
        if not parts:
            return True
        return parts[0] if len(parts) == 1 else \
            (lambda x, ps=parts: all(p(x) for p in ps))

    def unary(self):
        tok = self.peek()
        if tok == "NOT" or (tok and tok.startswith("-") and len(tok) > 1):
            if tok == "NOT":
                self.i += 1
            else:
                self.toks[self.i] = tok[1:]
            inner = self.unary()
            if inner is None or inner is True:
                return True
            return lambda x, p=inner: not p(x)
        if tok == "(":
            self.i += 1
            inner = self.or_expr()
            if self.peek() == ")":
                self.i += 1
            else:
                self.warnings.append({"field": None,
                                      "message": "Unbalanced parenthesis."})
            return True if inner is None else inner
        self.i += 1
        if tok is None or tok == ")":
            return True
        return self.term(tok)

    def term(self, tok):
        m = TERM_RE.match(tok)
        if not m:
            value, _ = unquote(tok)
            return self.free(value)
        name, comp, raw = m.group(1), m.group(2) or "", m.group(3)
        value, quoted = unquote(raw)
        handler = self.fields.get(name)
        if handler is None:
            self.warnings.append({"field": name, "message":
                                  "Invalid search field for this query."})
            return True
        got = handler(comp, value, quoted)
        if isinstance(got, str):
            self.warnings.append({"field": name, "message": got})
            return True
        return got


def compare(comp, a, b):
    if comp == "":
        return a == b
    if comp == "<":
        return a < b
    if comp == "<=":
        return a <= b
    if comp == ">":
        return a > b
    return a >= b


def date_term(attr):
    """A handler comparing the stamp in attr with a quoted date."""
    def handler(comp, value, quoted):
        if not quoted:
            return "Date values must be a quoted string."
        if DATE_RE.match(value):
            try:
                day = datetime.strptime(value, "%Y-%m-%d").replace(
                    tzinfo=shop_tz())
            except ValueError:
                return "Invalid date value %r." % value
            lo, hi = stamp(day), stamp(day + timedelta(days=1))
            if comp == "":
                return lambda x: lo <= x[attr] < hi
            bound = hi if comp in ("<=", ">") else lo
            c = {"<=": "<", ">": ">="}.get(comp, comp)
            return lambda x: compare(c, x[attr], bound)
        if STAMP_RE.match(value):
            v = value.replace("Z", "+00:00")
            if re.search(r"[+-]\d{4}\Z", v):
                v = v[:-2] + ":" + v[-2:]
            try:
                t = stamp(datetime.fromisoformat(v))
            except ValueError:
                return "Invalid date value %r." % value
            return lambda x: compare(comp, x[attr], t)
        return "Invalid date value %r." % value
    return handler


def number_term(get):
    def handler(comp, value, quoted):
        if not value.lstrip("-").isdigit():
            return "Invalid value %r." % value
        n = int(value)
        return lambda x: compare(comp, get(x), n)
    return handler


def text_term(get):
    """Case-insensitive exact match (":" only; comparators compare)."""
    def handler(comp, value, quoted):
        v = value.lower()
        return lambda x: any(compare(comp, (s or "").lower(), v)
                             for s in get(x))
    return handler


# ====================================================================
# the platform
# ====================================================================

def resolver(type_name, field_name):
    def mark(fn):
        fn.resolves = (type_name, field_name)
        return fn
    return mark


class Platform(PlatformBase):
    name = "shopify"

    def __init__(self, data_dir, generate, seed, api_key, settings=None):
        self.data_dir = data_dir
        self.generate = dict(generate)
        self.seed = seed
        self.api_key = api_key
        self.settings = dict(SETTINGS)
        self.settings.update(settings or {})
        self.parse_settings()
        unknown = set(self.generate) - {"locations", "products", "variants",
                                        "orders"}
        if unknown:
            raise SetupError("--generate: shopify has no %s (it knows "
                             "locations, products, variants, orders)"
                             % ", ".join(sorted(unknown)))
        self.compiled = {}
        # The key that signs the storage URLs of bulk operations' files
        # (decision 26); kept across resets, so an old URL finds no file.
        self.storage_key = secrets.token_bytes(32)
        self.reset()

    def parse_settings(self):
        s = self.settings
        try:
            self.token_ttl = float(s["token_ttl"])
            self.bucket_max = float(s["bucket"])
            self.restore = float(s["restore"])
            if self.token_ttl <= 0 or self.bucket_max <= 0 or \
                    self.restore <= 0:
                raise ValueError
        except ValueError:
            raise SetupError("--set token_ttl, bucket and restore must be "
                             "numbers above 0") from None
        try:
            self.cost_factor = float(s["cost_factor"])
            if self.cost_factor < 1:
                raise ValueError
        except ValueError:
            raise SetupError("--set cost_factor must be a number of at "
                             "least 1") from None
        if s["atomic"] not in ("0", "1"):
            raise SetupError("--set atomic must be 0 or 1")
        self.atomic = s["atomic"] == "1"
        if s["read_all_orders"] not in ("true", "false"):
            raise SetupError("--set read_all_orders must be true or false")
        self.read_all_orders = s["read_all_orders"] == "true"
        if not valid_stamp(s["now"]):
            raise SetupError("--set now must be YYYY-MM-DDTHH:MM:SSZ")
        self.now = parse_stamp(s["now"])
        self.cutoff = stamp(self.now - timedelta(days=ORDER_WINDOW_DAYS))
        if not s["client_id"] or not s["client_secret"]:
            raise SetupError("--set client_id and client_secret must not be "
                             "empty")
        try:
            self.search_lag = float(s["search_lag"])
            if self.search_lag < 0:
                raise ValueError
        except ValueError:
            raise SetupError("--set search_lag must be a number of seconds "
                             ">= 0") from None
        if not s["order_create_limit"].isdigit():
            raise SetupError("--set order_create_limit must be an integer "
                             ">= 0 (orders per minute; 0: no limit)")
        self.order_create_limit = int(s["order_create_limit"])
        try:
            self.bulk_start = float(s["bulk_start"])
            self.bulk_rate = float(s["bulk_rate"])
            if not (math.isfinite(self.bulk_start) and self.bulk_start >= 0
                    and math.isfinite(self.bulk_rate) and self.bulk_rate > 0):
                raise ValueError
        except ValueError:
            raise SetupError("--set bulk_start must be a number of seconds "
                             ">= 0 and bulk_rate a number of objects per "
                             "second above 0") from None
        for k in ("bulk_url_ttl", "bulk_concurrency"):
            if not (s[k].isascii() and s[k].isdigit()) or int(s[k]) < 1:
                raise SetupError("--set %s must be an integer >= 1" % k)
        self.bulk_url_ttl = int(s["bulk_url_ttl"])
        self.bulk_concurrency = int(s["bulk_concurrency"])

    # ---- data

    def reset(self):
        # The collector would run hundreds of times over the millions of
        # new dicts of 100,000 orders and double the time; it is off while
        # the data is built.
        enabled = gc.isenabled()
        gc.disable()
        try:
            d = self.data_dir
            locations = load_array(d, "locations.json")
            products = load_array(d, "products.json")
            orders = load_array(d, "orders.json")
            if self.generate:
                locations, products, orders = generate_data(
                    self.generate, self.seed, locations, products, orders,
                    self.now)
            self.load(locations, products, orders)
        finally:
            if enabled:
                gc.enable()
        self.tokens = {}            # token -> monotonic expiry
        self.buckets = {}           # app -> [available, monotonic time]
        self.idempotency = {}       # key -> record
        self.write_counts = {}
        self.history = []
        self.next_group = 1
        self.t0 = time.monotonic()  # the shop clock starts at setting now
        self.created = []           # monotonic times of orderCreate
        self.bulk_ops = {}          # number -> bulk operation (decision 23)
        self.bulk_files = {}        # storage object name -> (op, kind)
        self.bulk_next = 0
        self.bulk_fail_next = None  # (errorCode, after) from a change fault
        self.storage_log = []       # the requests to the storage URLs

    def load(self, locations, products, orders):
        self.locations = []
        self.loc_by_id = {}
        for l in locations:
            where = "locations.json: location %r" % (l.get("id"),)
            lid = parse_gid(l.get("id"), "Location")
            if lid is None or lid in self.loc_by_id:
                raise SetupError("%s: id must be a unique "
                                 "gid://shopify/Location/N" % where)
            if not isinstance(l.get("name"), str) or not l["name"].strip():
                raise SetupError("%s: name must be a non-empty string"
                                 % where)
            active = l.get("isActive", True)
            if type(active) is not bool:
                raise SetupError("%s: isActive must be true or false" % where)
            fs = l.get("isFulfillmentService", False)
            if type(fs) is not bool:
                raise SetupError("%s: isFulfillmentService must be true or "
                                 "false" % where)
            loc = {"_id": lid, "id": l["id"], "legacyResourceId": str(lid),
                   "name": l["name"], "isActive": active,
                   "isFulfillmentService": fs}
            self.locations.append(loc)
            self.loc_by_id[lid] = loc
        self.locations.sort(key=lambda x: x["_id"])

        self.products = []
        self.variants = []
        self.var_by_id = {}
        self.items = {}
        pids = set()
        skus = {}
        for p in products:
            where = "products.json: product %r" % (p.get("id"),)
            pid = parse_gid(p.get("id"), "Product")
            if pid is None or pid in pids:
                raise SetupError("%s: id must be a unique "
                                 "gid://shopify/Product/N" % where)
            pids.add(pid)
            if not isinstance(p.get("title"), str) or not p["title"].strip():
                raise SetupError("%s: title must be a non-empty string"
                                 % where)
            status = p.get("status", "ACTIVE")
            if status not in SCHEMA["ProductStatus"].values:
                raise SetupError("%s: status %r is not one of %s" % (
                    where, status,
                    ", ".join(sorted(SCHEMA["ProductStatus"].values))))
            handle = p.get("handle") or re.sub(
                r"[^a-z0-9]+", "-", p["title"].lower()).strip("-")
            prod = {"_id": pid, "id": p["id"], "legacyResourceId": str(pid),
                    "title": p["title"], "handle": handle, "status": status}
            self.products.append(prod)
            vs = p.get("variants")
            if not isinstance(vs, list) or not vs:
                raise SetupError("%s: variants must be a non-empty list"
                                 % where)
            for pos, v in enumerate(vs, 1):
                self.load_variant(v, prod, pos, skus)
        self.variants.sort(key=lambda x: x["_id"])

        self.orders = []
        self.order_by_id = {}
        self.fo_by_id = {}
        self.check_ids = {"fo": set(), "fol": set(), "fli": set()}
        lids = set()
        fids = set()
        check = self.generate.get("orders") is None
        for o in orders:
            self.load_order(o, lids, fids, check)
        self.orders.sort(key=lambda x: x["_id"])
        self.last_ids = dict(ID_BASES)
        for kind, ids in (("Order", self.order_by_id), ("LineItem", lids),
                          ("Fulfillment", fids),
                          ("FulfillmentOrder", self.fo_by_id)):
            for n in ids:
                if self.last_ids[kind] < n < DERIVED:
                    self.last_ids[kind] = n
        for fo in self.fo_by_id.values():
            for fol in fo["_lines"]:
                self.last_ids["FulfillmentOrderLineItem"] = max(
                    self.last_ids["FulfillmentOrderLineItem"], fol["_id"])
        for o in self.orders:
            for f in o["_fulfillments"]:
                for fli in f["_lines"] or ():
                    self.last_ids["FulfillmentLineItem"] = max(
                        self.last_ids["FulfillmentLineItem"], fli["_id"])
        self.shop = {"id": "gid://shopify/Shop/48500001",
                     "name": "Sandbox Winkel", "ianaTimezone":
                     "Europe/Amsterdam", "currencyCode": "EUR",
                     "myshopifyDomain": "sandbox-winkel.myshopify.com"}
        self.sorted_cache = {}

    def load_variant(self, v, prod, pos, skus):
        where = "products.json: variant %r" % (v.get("id"),)
        vid = parse_gid(v.get("id"), "ProductVariant")
        if vid is None or vid in self.var_by_id:
            raise SetupError("%s: id must be a unique "
                             "gid://shopify/ProductVariant/N" % where)
        title = v.get("title", "Default Title")
        if not isinstance(title, str) or not title:
            raise SetupError("%s: title must be a non-empty string" % where)
        sku = v.get("sku")
        if sku is not None and not isinstance(sku, str):
            raise SetupError("%s: sku must be a string or null" % where)
        if sku:
            if sku in skus:
                raise SetupError("%s: sku %r is also variant %r's"
                                 % (where, sku, skus[sku]))
            skus[sku] = v["id"]
        barcode = v.get("barcode")
        if barcode is not None and not isinstance(barcode, str):
            raise SetupError("%s: barcode must be a string or null" % where)
        price = v.get("price", "0.00")
        if not isinstance(price, str) or not PRICE_RE.match(price):
            raise SetupError("%s: price must be a string such as \"19.95\""
                             % where)
        it = v.get("inventoryItem")
        if not isinstance(it, dict):
            raise SetupError("%s: inventoryItem must be an object" % where)
        iid = parse_gid(it.get("id"), "InventoryItem")
        if iid is None or iid in self.items:
            raise SetupError("%s: inventoryItem.id must be a unique "
                             "gid://shopify/InventoryItem/N" % where)
        tracked = it.get("tracked", True)
        if type(tracked) is not bool:
            raise SetupError("%s: inventoryItem.tracked must be true or "
                             "false" % where)
        variant = {"_id": vid, "id": v["id"], "legacyResourceId": str(vid),
                   "title": title, "sku": sku, "barcode": barcode,
                   "position": pos, "product": prod, "price": price,
                   "displayName": "%s - %s" % (prod["title"], title)}
        item = {"_id": iid, "id": it["id"], "legacyResourceId": str(iid),
                "tracked": tracked, "variant": variant, "levels": {}}
        variant["inventoryItem"] = item
        levels = it.get("levels", {})
        if not isinstance(levels, dict):
            raise SetupError("%s: inventoryItem.levels must be an object "
                             "keyed by location id" % where)
        for lgid, q in levels.items():
            lwhere = "%s: level at %s" % (where, lgid)
            loc = self.loc_by_id.get(parse_gid(lgid, "Location"))
            if loc is None:
                raise SetupError("%s: no such location in locations.json"
                                 % lwhere)
            if not isinstance(q, dict):
                raise SetupError("%s: must be an object" % lwhere)
            extra = set(q) - set(LEVEL_FIELDS) - {"updatedAt"}
            if extra:
                raise SetupError("%s: unknown field(s) %s (on_hand is "
                                 "computed; the fields are %s)" % (
                                     lwhere, ", ".join(sorted(extra)),
                                     ", ".join(LEVEL_FIELDS)))
            level = {"_loc": loc, "_item": item,
                     "id": "gid://shopify/InventoryLevel/%d?inventory_item_"
                           "id=%d" % (loc["_id"], iid),
                     "updatedAt": q.get("updatedAt", "2026-11-01T08:00:00Z")}
            if not valid_stamp(level["updatedAt"]):
                raise SetupError("%s: updatedAt must be YYYY-MM-DDTHH:MM:SSZ"
                                 % lwhere)
            for f in LEVEL_FIELDS:
                n = q.get(f, 0)
                if not is_int(n) or (n < 0 and f != "available") or \
                        abs(n) > QTY_LIMIT:
                    raise SetupError("%s: %s must be an integer%s" % (
                        lwhere, f, "" if f == "available" else " >= 0"))
                level[f] = n
            item["levels"][loc["_id"]] = level
        self.variants.append(variant)
        self.var_by_id[vid] = variant
        self.items[iid] = item

    FIN = SCHEMA["OrderDisplayFinancialStatus"].values
    FUL = SCHEMA["OrderDisplayFulfillmentStatus"].values
    FSTATUS = SCHEMA["FulfillmentStatus"].values
    FIN_LIST, FUL_LIST, FSTATUS_LIST = (", ".join(sorted(x))
                                        for x in (FIN, FUL, FSTATUS))

    def load_order(self, o, lids, fids, check):
        oid = parse_gid(o.get("id"), "Order")
        if check:
            self.check_order(o, oid, lids, fids)
        order = dict(o)
        order.update({"_id": oid, "legacyResourceId": str(oid),
                      "_num": int(re.sub(r"\D", "", o["name"]) or 0),
                      "processedAt": o.get("processedAt", o["createdAt"]),
                      "closed": o.get("closed", False),
                      "currencyCode": o.get("currencyCode", "EUR"),
                      "cancelledAt": o.get("cancelledAt"),
                      "closedAt": o.get("closedAt"), "email": o.get("email"),
                      "displayFinancialStatus":
                          o.get("displayFinancialStatus"),
                      "presentmentCurrencyCode": o.get("currencyCode", "EUR"),
                      "tags": sorted(o.get("tags", ())),
                      "note": o.get("note"),
                      "customAttributes": [dict({"value": None}, **a) for a
                                           in o.get("customAttributes", ())],
                      "taxesIncluded": o.get("taxesIncluded", False),
                      "discountCodes": list(o.get("discountCodes", ())),
                      "sourceName": o.get("sourceName"),
                      "sourceIdentifier": o.get("sourceIdentifier"),
                      "phone": o.get("phone"), "test": o.get("test", False),
                      "shippingAddress": o.get("shippingAddress"),
                      "billingAddress": o.get("billingAddress"),
                      "_searchable": 0.0})
        money = {"amount": ruby_decimal(o["totalPrice"]),
                 "currencyCode": order["currencyCode"]}
        order["totalPriceSet"] = {"shopMoney": money,
                                  "presentmentMoney": money}
        lines = []
        for li in o["lineItems"]:
            line = dict(li)
            vid = li.get("variantId")
            line.update({"_id": parse_gid(li["id"], "LineItem"),
                         "_variant": self.var_by_id.get(
                             parse_gid(vid, "ProductVariant")) if vid
                         else None, "sku": li.get("sku"),
                         "title": li.get("title", li["name"])})
            lines.append(line)
        lines.sort(key=lambda x: x["_id"])
        order["_lines"] = lines
        by_line = {x["_id"]: x for x in lines}
        order["_fulfillments"] = []
        for i, f in enumerate(o.get("fulfillments", ())):
            ful = dict(f)
            ful.update({"_id": parse_gid(f["id"], "Fulfillment"),
                        "updatedAt": f.get("updatedAt", f["createdAt"]),
                        "name": f.get("name", "%s-F%d" % (o["name"], i + 1)),
                        "_tracking": [dict({"company": None, "number": None,
                                            "url": None}, **t)
                                      for t in f.get("trackingInfo", ())],
                        "_order": order, "_loc": None, "_lines": None})
            if "fulfillmentLineItems" in f:
                ful["_lines"] = [
                    {"_id": parse_gid(x["id"], "FulfillmentLineItem"),
                     "id": x["id"], "quantity": x["quantity"],
                     "_line": by_line[parse_gid(x["lineItemId"],
                                                "LineItem")]}
                    for x in f["fulfillmentLineItems"]]
            order["_fulfillments"].append(ful)
        order["_fos"] = None        # derived when first asked for
        if "fulfillmentOrders" in o:
            order["_fos"] = [self.load_fo(order, x, by_line)
                             for x in o["fulfillmentOrders"]]
        self.orders.append(order)
        self.order_by_id[oid] = order

    def load_fo(self, order, x, by_line):
        fid = parse_gid(x["id"], "FulfillmentOrder")
        fo = {"_id": fid, "id": x["id"], "status": x["status"],
              "requestStatus": x.get("requestStatus", "UNSUBMITTED"),
              "_loc": self.loc_by_id[parse_gid(x["location"], "Location")],
              "_order": order,
              "createdAt": x.get("createdAt", order["createdAt"]),
              "updatedAt": x.get("updatedAt", order["updatedAt"]),
              "_lines": [{"_id": parse_gid(l["id"],
                                           "FulfillmentOrderLineItem"),
                          "id": l["id"],
                          "_line": by_line[parse_gid(l["lineItemId"],
                                                     "LineItem")],
                          "totalQuantity": l["totalQuantity"],
                          "remainingQuantity": l["remainingQuantity"]}
                         for l in x["lineItems"]]}
        fo["_lines"].sort(key=lambda l: l["_id"])
        self.fo_by_id[fid] = fo
        return fo

    def check_order(self, o, oid, lids, fids):
        """Refuse an inconsistent order, naming file, order and field.
        (Generated orders skip this: 100,000 of them load in seconds.)"""
        where = "orders.json: order %r" % (o.get("id"),)

        def need(cond, what, *fmt):
            if not cond:
                raise SetupError("%s: %s" % (where, what % fmt if fmt
                                             else what))
        need(oid is not None and oid not in self.order_by_id,
             "id must be a unique gid://shopify/Order/N")
        name = o.get("name")
        need(isinstance(name, str) and ORDER_NAME_RE.match(name),
             "name must be a string such as \"#1001\"")
        for f in ("createdAt", "updatedAt"):
            need(valid_stamp(o.get(f)), "%s must be YYYY-MM-DDTHH:MM:SSZ", f)
        need(o["updatedAt"] >= o["createdAt"],
             "updatedAt is before createdAt")
        for f in ("cancelledAt", "closedAt", "processedAt"):
            need(o.get(f) is None or valid_stamp(o[f]),
                 "%s must be null or YYYY-MM-DDTHH:MM:SSZ", f)
        need(type(o.get("closed", False)) is bool, "closed must be a boolean")
        need(o.get("email") is None or isinstance(o["email"], str),
             "email must be a string or null")
        need(o.get("displayFinancialStatus") is None or
             o["displayFinancialStatus"] in self.FIN,
             "displayFinancialStatus must be null or one of %s",
             self.FIN_LIST)
        need(o.get("displayFulfillmentStatus") in self.FUL,
             "displayFulfillmentStatus must be one of %s", self.FUL_LIST)
        need(o.get("currencyCode", "EUR") in SCHEMA["CurrencyCode"].values,
             "currencyCode is not one the sandbox knows")
        need(isinstance(o.get("totalPrice"), str) and
             PRICE_RE.match(o["totalPrice"]),
             "totalPrice must be a string such as \"59.90\"")
        lines = o.get("lineItems")
        need(isinstance(lines, list) and lines and
             all(isinstance(li, dict) for li in lines),
             "lineItems must be a non-empty list of objects")
        for li in lines:
            lwhere = li.get("id")
            lid = parse_gid(lwhere, "LineItem")
            need(lid is not None and lid not in lids,
                 "line item %r: id must be a unique gid://shopify/LineItem/N",
                 lwhere)
            lids.add(lid)
            need(li.get("sku") is None or isinstance(li["sku"], str),
                 "line item %r: sku must be a string or null", lwhere)
            need(isinstance(li.get("name"), str) and li["name"],
                 "line item %r: name must be a non-empty string", lwhere)
            q, cur, unf = (li.get("quantity"), li.get("currentQuantity"),
                           li.get("unfulfilledQuantity"))
            need(is_int(q) and q >= 1 and is_int(cur) and 0 <= cur <= q and
                 is_int(unf) and 0 <= unf <= cur,
                 "line item %r: needs 0 <= unfulfilledQuantity <= "
                 "currentQuantity <= quantity, quantity >= 1", lwhere)
            if li.get("variantId") is not None:
                need(parse_gid(li["variantId"], "ProductVariant")
                     in self.var_by_id, "line item %r: variantId %r is not "
                     "in products.json", lwhere, li["variantId"])
        fuls = o.get("fulfillments", [])
        need(isinstance(fuls, list) and all(isinstance(f, dict)
                                            for f in fuls),
             "fulfillments must be a list of objects")
        for f in fuls:
            fwhere = f.get("id")
            fid = parse_gid(fwhere, "Fulfillment")
            need(fid is not None and fid not in fids, "fulfillment %r: id "
                 "must be a unique gid://shopify/Fulfillment/N", fwhere)
            fids.add(fid)
            need(f.get("status") in self.FSTATUS, "fulfillment %r: status "
                 "must be one of %s", fwhere, self.FSTATUS_LIST)
            for k in ("createdAt", "updatedAt"):
                need(f.get(k) is None and k == "updatedAt" or
                     valid_stamp(f.get(k)), "fulfillment %r: %s must be "
                     "YYYY-MM-DDTHH:MM:SSZ", fwhere, k)
            ti = f.get("trackingInfo", [])
            need(isinstance(ti, list) and all(
                isinstance(t, dict) and set(t) <= {"company", "number", "url"}
                and all(x is None or isinstance(x, str) for x in t.values())
                for t in ti), "fulfillment %r: trackingInfo must be a list "
                "of {company, number, url}", fwhere)
        status = o["displayFulfillmentStatus"]
        if status == "FULFILLED":
            need(all(li["unfulfilledQuantity"] == 0 for li in lines),
                 "FULFILLED but a line item has unfulfilledQuantity > 0")
        if status == "UNFULFILLED":
            need(not any(f["status"] == "SUCCESS" for f in fuls),
                 "UNFULFILLED but it has a SUCCESS fulfillment")
        self.check_order_extras(o, need, lines, fuls)

    def check_order_extras(self, o, need, lines, fuls):
        """The fields fulfillment and orderCreate brought: tags, note,
        addresses, fulfillment orders and fulfillment line items, and
        that they agree with the line items' quantities."""
        def strs(v):
            return isinstance(v, list) and all(isinstance(x, str) for x in v)

        def opt_str(k):
            need(o.get(k) is None or isinstance(o[k], str),
                 "%s must be a string or null", k)
        need(strs(o.get("tags", [])), "tags must be a list of strings")
        need(strs(o.get("discountCodes", [])),
             "discountCodes must be a list of strings")
        for k in ("note", "sourceName", "sourceIdentifier", "phone"):
            opt_str(k)
        for k in ("taxesIncluded", "test"):
            need(type(o.get(k, False)) is bool, "%s must be a boolean", k)
        ca = o.get("customAttributes", [])
        need(isinstance(ca, list) and all(
            isinstance(a, dict) and set(a) <= {"key", "value"} and
            isinstance(a.get("key"), str) and
            (a.get("value") is None or isinstance(a["value"], str))
            for a in ca), "customAttributes must be a list of {key, value}")
        for k in ("shippingAddress", "billingAddress"):
            a = o.get(k)
            need(a is None or isinstance(a, dict) and
                 set(a) <= set(SCHEMA["MailingAddress"].fields) and
                 all(x is None or isinstance(x, str) for x in a.values()),
                 "%s must be null or a MailingAddress object", k)
        by_line = {parse_gid(li["id"], "LineItem"): li for li in lines}
        seen = self.check_ids
        fulfilled = {}
        all_listed = True
        for f in fuls:
            flis = f.get("fulfillmentLineItems")
            if flis is None:
                all_listed = False
                continue
            fw = f.get("id")
            need(isinstance(flis, list), "fulfillment %r: "
                 "fulfillmentLineItems must be a list", fw)
            for x in flis:
                need(isinstance(x, dict), "fulfillment %r: a fulfillment "
                     "line item must be an object", fw)
                n = parse_gid(x.get("id"), "FulfillmentLineItem")
                need(n is not None and n < DERIVED and n not in seen["fli"],
                     "fulfillment %r: fulfillment line item id %r must be a "
                     "unique gid://shopify/FulfillmentLineItem/N", fw,
                     x.get("id"))
                seen["fli"].add(n)
                lid = parse_gid(x.get("lineItemId"), "LineItem")
                need(lid in by_line, "fulfillment %r: lineItemId %r is not "
                     "a line item of this order", fw, x.get("lineItemId"))
                need(is_int(x.get("quantity")) and x["quantity"] >= 1,
                     "fulfillment %r: quantity must be an integer >= 1", fw)
                if f["status"] == "SUCCESS":
                    fulfilled[lid] = fulfilled.get(lid, 0) + x["quantity"]
        if all_listed:
            for lid, li in by_line.items():
                need(fulfilled.get(lid, 0) == li["currentQuantity"] -
                     li["unfulfilledQuantity"], "line item %r: its SUCCESS "
                     "fulfillments hold %d, but currentQuantity - "
                     "unfulfilledQuantity is %d", li["id"],
                     fulfilled.get(lid, 0),
                     li["currentQuantity"] - li["unfulfilledQuantity"])
        fos = o.get("fulfillmentOrders")
        if fos is None:
            return
        need(isinstance(fos, list) and fos and
             all(isinstance(x, dict) for x in fos),
             "fulfillmentOrders must be a non-empty list of objects")
        remaining = {}
        listed = set()
        for x in fos:
            fw = x.get("id")
            n = parse_gid(fw, "FulfillmentOrder")
            need(n is not None and n < DERIVED and n not in seen["fo"],
                 "fulfillment order %r: id must be a unique "
                 "gid://shopify/FulfillmentOrder/N", fw)
            seen["fo"].add(n)
            need(x.get("status") in SCHEMA["FulfillmentOrderStatus"].values,
                 "fulfillment order %r: status must be one of %s", fw,
                 ", ".join(sorted(SCHEMA["FulfillmentOrderStatus"].values)))
            need(x.get("requestStatus", "UNSUBMITTED") in
                 SCHEMA["FulfillmentOrderRequestStatus"].values,
                 "fulfillment order %r: requestStatus is not a "
                 "FulfillmentOrderRequestStatus", fw)
            need(parse_gid(x.get("location"), "Location") in self.loc_by_id,
                 "fulfillment order %r: location must be one in "
                 "locations.json", fw)
            for k in ("createdAt", "updatedAt"):
                need(x.get(k) is None or valid_stamp(x[k]), "fulfillment "
                     "order %r: %s must be YYYY-MM-DDTHH:MM:SSZ", fw, k)
            need(o.get("cancelledAt") is None and
                 o["displayFulfillmentStatus"] != "FULFILLED" or
                 x["status"] in ("CLOSED", "CANCELLED"), "fulfillment order "
                 "%r: a cancelled or FULFILLED order has only CLOSED or "
                 "CANCELLED fulfillment orders", fw)
            fls = x.get("lineItems")
            need(isinstance(fls, list) and fls and
                 all(isinstance(l, dict) for l in fls), "fulfillment order "
                 "%r: lineItems must be a non-empty list of objects", fw)
            for l in fls:
                m = parse_gid(l.get("id"), "FulfillmentOrderLineItem")
                need(m is not None and m < DERIVED and m not in seen["fol"],
                     "fulfillment order %r: line item id %r must be a unique "
                     "gid://shopify/FulfillmentOrderLineItem/N", fw,
                     l.get("id"))
                seen["fol"].add(m)
                lid = parse_gid(l.get("lineItemId"), "LineItem")
                need(lid in by_line, "fulfillment order %r: lineItemId %r "
                     "is not a line item of this order", fw,
                     l.get("lineItemId"))
                listed.add(lid)
                t, r = l.get("totalQuantity"), l.get("remainingQuantity")
                need(is_int(t) and is_int(r) and 0 <= r <= t,
                     "fulfillment order %r: needs 0 <= remainingQuantity <= "
                     "totalQuantity", fw)
                if x["status"] in ACTIVE_FO:
                    remaining[lid] = remaining.get(lid, 0) + r
        for lid, li in by_line.items():
            need(lid in listed, "line item %r is in no fulfillment order",
                 li["id"])
            need(remaining.get(lid, 0) == li["unfulfilledQuantity"],
                 "line item %r: unfulfilledQuantity %d, but its open "
                 "fulfillment orders hold %d", li["id"],
                 li["unfulfilledQuantity"], remaining.get(lid, 0))

    # ---- the hooks sandbox.py calls

    def app_key(self, req):
        tok = req.header("X-Shopify-Access-Token")
        if tok and tok == self.api_key:
            return "app:permanent"
        exp = self.tokens.get(tok) if tok else None
        if exp is not None and time.monotonic() < exp:
            return "app:" + self.settings["client_id"]
        return None

    def authenticate(self, req):
        if req.path == OAUTH_PATH:
            return "ok", "oauth"
        if req.path.startswith(STORAGE_BUCKET):
            # Google Cloud Storage: the signed URL is the credential.  A
            # client must not send its Shopify token there [cli]; every
            # request is noted, the faulted ones too.
            got = self.bulk_files.get(req.path[len(STORAGE_PREFIX):])
            self.storage_log.append({
                "path": req.path, "operation": got[0]["id"] if got else None,
                "file": got[1] if got else None,
                "accessToken": req.header("X-Shopify-Access-Token")
                is not None,
                "authorization": req.header("Authorization") is not None})
            return "ok", "storage"
        if not req.header("X-Shopify-Access-Token"):
            return "missing", None
        key = self.app_key(req)
        return ("ok", key) if key else ("bad", None)

    def unauthorized(self, req, state):
        return respond(401, {"errors": UNAUTHORIZED})

    def rate_headers(self, limit, remaining):
        return []

    def rate_limited(self, limit):
        return respond(429, {"errors": [{"message": "Throttled",
                                         "extensions": {
                                             "code": "THROTTLED",
                                             "documentation": RATE_DOC}}]},
                       [("Retry-After", "1.0")])

    def server_error(self):
        rid = "%08x-%04x-%04x-%04x-%012x" % tuple(
            secrets.randbits(b) for b in (32, 16, 16, 16, 48))
        return respond(500, {"errors": [{
            "message": "Internal error. Looks like something went wrong on "
                       "our end.\nRequest ID: %s (include this in support "
                       "requests)." % rid,
            "extensions": {"code": "INTERNAL_SERVER_ERROR",
                           "requestId": rid}}]})

    def server_error_for(self, req):
        """A 500 fault: Google Cloud Storage's on a storage URL."""
        if req.path.startswith(STORAGE_BUCKET):
            return gcs_error(500, "InternalError", "We encountered an "
                             "internal error. Please try again.")
        return self.server_error()

    def check(self, req):
        return None

    def change(self, c):
        """A fault of kind change: {"sku": S, "available": N} sets the
        available quantity at the first active location, or at
        "location": GID (a sale or a delivery in the shop, not counted as
        a write); {"sku": S, "delete": true} deletes the variant and its
        inventory item; {"bulkFail": CODE, "after": N} makes the next
        bulk operation created fail with errorCode CODE once it has
        processed N objects (default: half of them); {"revokeTokens":
        true} refuses every token granted so far (the app's secret
        rotated, or the app installed again), before it expires."""
        if c.get("revokeTokens") is True:
            self.tokens.clear()
            return
        if "bulkFail" in c:
            after = c.get("after")
            if c["bulkFail"] in SCHEMA["BulkOperationErrorCode"].values:
                self.bulk_fail_next = (c["bulkFail"], after if is_int(after)
                                       and after >= 0 else None)
            return
        for v in [v for v in self.variants if v["sku"] == c.get("sku")]:
            item = v["inventoryItem"]
            if c.get("delete"):
                self.variants.remove(v)
                del self.var_by_id[v["_id"]]
                del self.items[item["_id"]]
                self.sorted_cache = {k: x for k, x in self.sorted_cache.items()
                                     if k[0] != "variants"}
            elif is_int(c.get("available")):
                loc = self.loc_by_id.get(parse_gid(c.get("location"),
                                                   "Location")) if \
                    c.get("location") else next(
                        (l for l in self.locations if l["isActive"]), None)
                level = item["levels"].get(loc["_id"]) if loc else None
                if level is not None:
                    level["available"] = c["available"]
                    level["updatedAt"] = stamp(datetime.now(timezone.utc))

    def state(self):
        def levels(item):
            out = {}
            for lid, lv in sorted(item["levels"].items()):
                q = {f: lv[f] for f in LEVEL_FIELDS}
                q["on_hand"] = on_hand(lv)
                out[lv["_loc"]["id"]] = q
            return out
        return {
            "locations": [{"id": l["id"], "name": l["name"],
                           "isActive": l["isActive"]}
                          for l in self.locations],
            "variants": [{"id": v["id"], "sku": v["sku"],
                          "inventoryItemId": v["inventoryItem"]["id"],
                          "tracked": v["inventoryItem"]["tracked"],
                          "levels": levels(v["inventoryItem"])}
                         for v in self.variants],
            "orders": [dict({"id": o["id"], "name": o["name"],
                             "createdAt": o["createdAt"],
                             "updatedAt": o["updatedAt"],
                             "displayFulfillmentStatus":
                                 o["displayFulfillmentStatus"],
                             "tags": o["tags"]},
                            **({} if o["_fos"] is None else {
                                "fulfillmentOrders": [{
                                    "id": fo["id"], "status": fo["status"],
                                    "location": fo["_loc"]["id"]
                                    if fo["_loc"] else None,
                                    "remaining": [fol["remainingQuantity"]
                                                  for fol in fo["_lines"]]}
                                    for fo in o["_fos"]]}))
                       for o in self.orders],
            "idempotencyKeys": {k: {"failed": r["failed"],
                                    "replays": r["replays"]}
                                for k, r in self.idempotency.items()},
            "adjustments": self.history,
            "tokens": len(self.tokens),
            "writes": self.writes(),
            "bulkOperations": [
                {"id": op["id"], "app": op["_app"], "status": st[0],
                 "objectCount": st[1], "groupObjects": op["_group"]}
                for op, st in ((op, self.bulk_state(op))
                               for op in self.bulk_ops.values())],
            "storageRequests": list(self.storage_log),
        }

    # ---- routing

    def route(self, req):
        if req.path == OAUTH_PATH and req.method == "POST":
            return self.oauth(req)
        if req.path == GRAPHQL_PATH and req.method == "POST":
            return self.graphql(req)
        if req.path.startswith(STORAGE_BUCKET):
            return self.storage(req)
        return respond(404, {"errors": "Not Found"})

    # ---- client credentials grant

    def oauth(self, req):
        ctype = (req.header("Content-Type") or "").split(";")[0].strip()
        params = None
        if ctype.lower() == "application/x-www-form-urlencoded":
            try:
                params = dict(parse_qsl(req.body.decode("utf-8"),
                                        keep_blank_values=True))
            except UnicodeDecodeError:
                params = None
        elif ctype.lower() == "application/json" and req.json_ok and \
                isinstance(req.json, dict):
            params = {k: v for k, v in req.json.items()
                      if isinstance(v, str)}
            req.json = {k: ("REDACTED" if k == "client_secret" else v)
                        for k, v in req.json.items()}
        in_query = bool(req.query)
        if in_query:
            req.query = urlencode([(k, "REDACTED" if k == "client_secret"
                                    else v) for k, v in req.params()])

        def error(code, text):
            return respond(400, {"error": code, "error_description": text})
        if params is None or in_query or not all(
                params.get(k) for k in ("grant_type", "client_id",
                                        "client_secret")):
            return error("invalid_request", "The request is missing a "
                         "required parameter, includes an unsupported "
                         "parameter value, or is otherwise malformed.")
        if params["grant_type"] != "client_credentials":
            return error("unsupported_grant_type", "The authorization grant "
                         "type is not supported by the authorization server.")
        if params["client_id"] != self.settings["client_id"] or \
                params["client_secret"] != self.settings["client_secret"]:
            return error("invalid_client", "Client authentication failed due "
                         "to unknown client, no client authentication "
                         "included, or unsupported authentication method.")
        now = time.monotonic()
        for t, exp in list(self.tokens.items()):
            if exp <= now:
                del self.tokens[t]
        token = "shpat_" + secrets.token_hex(16)
        self.tokens[token] = now + self.token_ttl
        scope = SCOPES + (",read_all_orders" if self.read_all_orders else "")
        ttl = self.token_ttl
        return respond(200, {"access_token": token, "scope": scope,
                             "expires_in": int(ttl) if ttl == int(ttl)
                             else ttl})

    # ---- GraphQL

    def compile(self, text):
        """(document, errors) for a query text; cached, since a client
        sends the same text page after page."""
        got = self.compiled.get(text)
        if got is None:
            try:
                doc = Parser(tokenize(text)).document()
                got = (doc, Validator(doc).run())
            except GqlError as e:
                got = (None, [e])
            if len(self.compiled) >= 256:
                self.compiled.clear()
            self.compiled[text] = got
        return got

    def bucket(self, app):
        now = time.monotonic()
        b = self.buckets.get(app)
        if b is None:
            b = self.buckets[app] = [self.bucket_max, now]
        b[0] = min(self.bucket_max, b[0] + (now - b[1]) * self.restore)
        b[1] = now
        return b

    def cost_ext(self, requested, actual, b):
        return {"requestedQueryCost": requested, "actualQueryCost": actual,
                "throttleStatus": {"maximumAvailable": self.bucket_max,
                                   "currentlyAvailable": int(b[0]),
                                   "restoreRate": self.restore}}

    def graphql(self, req):
        headers = [("X-Shopify-API-Version", VERSION)]

        def answer(status, obj):
            return respond(status, obj, headers)
        ctype = (req.header("Content-Type") or "").split(";")[0].strip()
        body = req.json if req.json_ok else None
        if ctype.lower() != "application/json" or \
                not isinstance(body, dict) or \
                not isinstance(body.get("query"), str) or \
                not body["query"].strip():
            return answer(400, {"errors": {"query": "Required parameter "
                                           "missing or invalid"}})
        variables = body.get("variables")
        if variables is None:
            variables = {}
        if not isinstance(variables, dict):
            return answer(200, {"errors": [{"message": "Variables must be "
                                            "a JSON object or null"}]})
        op_name = body.get("operationName") or None
        if op_name is not None and not isinstance(op_name, str):
            return answer(200, {"errors": [{"message": "operationName must "
                                            "be a string or null"}]})
        doc, errors = self.compile(body["query"])
        if errors:
            return answer(200, {"errors": [e.json() for e in errors]})
        ops = [d for d in doc if isinstance(d, Op)]
        if op_name is not None:
            ops = [o for o in ops if o.name == op_name]
            if not ops:
                return answer(200, {"errors": [{"message":
                              'No operation named "%s"' % op_name}]})
        elif len(ops) > 1:
            return answer(200, {"errors": [{"message":
                          "An operation name is required"}]})
        op = ops[0]
        coerced = {}
        errs = []
        for vd in op.var_defs:
            if vd.name not in variables:
                if vd.default is not None:
                    coerced[vd.name] = Executor(self, op, {}).value_of(
                        vd.default, vd.type)
                    continue
                if vd.type[0] != "NN":
                    continue
            problems = []
            val = coerce_input(variables.get(vd.name), vd.type, [], problems)
            if problems:
                p = problems[0]
                msg = "Variable $%s of type %s was provided invalid value" % (
                    vd.name, print_type(vd.type))
                if p["path"]:
                    msg += " for %s (%s)" % (".".join(str(x) for x in
                                                      p["path"]),
                                             p["explanation"])
                errs.append(GqlError(msg, vd.loc, {
                    "value": variables.get(vd.name), "problems": problems}))
                continue
            coerced[vd.name] = val
        if errs:
            return answer(200, {"errors": [e.json() for e in errs]})

        ex = Executor(self, op, coerced)
        ex.app = self.app_key(req)
        ex.host = req.header("Host") or "127.0.0.1"
        # Shopify's real costs may differ from its documented rules (a
        # mutation's inputs, nested levels): cost_factor is such a shop.
        requested = int(math.ceil(ex.requested_cost() * self.cost_factor))
        if ex.pre_errors:
            return answer(200, {"errors": [e.json() for e in ex.pre_errors]})
        b = self.bucket(self.app_key(req))
        if requested > MAX_QUERY_COST:
            return answer(200, {"errors": [{
                "message": "Query cost is %d, which exceeds the single query "
                           "max cost limit (%d).\n\nSee https://shopify.dev/"
                           "concepts/about-apis/rate-limits for more "
                           "information on how the\ncost of a query is "
                           "calculated.\n\nTo query larger amounts of data "
                           "with fewer limits, bulk operations should be used "
                           "instead.\nSee https://shopify.dev/tutorials/"
                           "perform-bulk-operations-with-admin-api for usage "
                           "details.\n" % (requested, MAX_QUERY_COST),
                "extensions": {"code": "MAX_COST_EXCEEDED",
                               "cost": requested,
                               "maxCost": MAX_QUERY_COST}}],
                "extensions": {"cost": self.cost_ext(requested, None, b)}})
        if requested > b[0]:
            return answer(200, {"errors": [{
                "message": "Throttled", "extensions": {
                    "code": "THROTTLED", "documentation": RATE_DOC}}],
                "extensions": {"cost": self.cost_ext(requested, None, b)}})
        b[0] -= requested
        data = ex.run()
        actual = ex.actual_cost(data, requested)
        b[0] = min(self.bucket_max, b[0] + max(0, requested - actual))
        # The bucket restores while the query runs ("your quota refills
        # continuously" [gql-rl]): the answer says what it holds as it goes.
        b = self.bucket(self.app_key(req))
        out = {}
        if ex.errors:
            out["errors"] = [e.json() for e in ex.errors]
        out["data"] = data
        ext = {"cost": self.cost_ext(requested, actual, b)}
        if ex.search:
            ext["search"] = ex.search
        out["extensions"] = ext
        return answer(200, out)

    # ---- paging

    SORTS = {
        "locations": {"NAME": lambda x: (x["name"], x["_id"]),
                      "ID": lambda x: (x["_id"], x["_id"])},
        "variants": {"ID": lambda x: (x["_id"], x["_id"]),
                     "SKU": lambda x: (x["sku"] or "", x["_id"]),
                     "TITLE": lambda x: (x["title"], x["_id"]),
                     "NAME": lambda x: (x["displayName"], x["_id"]),
                     "POSITION": lambda x: (x["position"], x["_id"])},
        "orders": {"ID": lambda x: (x["_id"], x["_id"]),
                   "CREATED_AT": lambda x: (x["createdAt"], x["_id"]),
                   "PROCESSED_AT": lambda x: (x["processedAt"], x["_id"]),
                   "UPDATED_AT": lambda x: (x["updatedAt"], x["_id"]),
                   "ORDER_NUMBER": lambda x: (x["_num"], x["_id"])},
    }

    def sorted_by(self, what, sort_key):
        keyfn = self.SORTS[what].get(sort_key)
        if keyfn is None:
            raise FieldError("The sandbox does not emulate sortKey %s here "
                             "(it takes %s)" % (sort_key, ", ".join(
                                 sorted(self.SORTS[what]))),
                             {"code": "NOT_EMULATED"})
        got = self.sorted_cache.get((what, sort_key))
        if got is None:
            pool = {"locations": self.locations, "variants": self.variants,
                    "orders": self.orders}[what]
            items = sorted(pool, key=keyfn)
            got = (items, [keyfn(x) for x in items], keyfn)
            self.sorted_cache[(what, sort_key)] = got
        return got

    @staticmethod
    def cursor(key):
        return base64.b64encode(json.dumps(
            {"last_id": key[1], "last_value": key[0]},
            separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        ).decode("ascii")

    @staticmethod
    def decode_cursor(text, keys):
        try:
            d = json.loads(base64.b64decode(text.encode("ascii"),
                                            validate=True).decode("utf-8"))
            k = (d["last_value"], d["last_id"])
            if not is_int(k[1]) or set(d) != {"last_id", "last_value"}:
                raise ValueError
            if keys and type(keys[0][0]) is not type(k[0]):
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeError,
                binascii.Error, AttributeError):
            raise FieldError("Invalid cursor for current pagination sort.",
                             {"code": "INVALID_CURSOR"}) from None
        return k

    def page(self, args, items, keys, keyfn, match):
        """A connection over items (sorted ascending by keys) filtered by
        match (None: all), as first/after/last/before/reverse ask."""
        first, last = args.get("first"), args.get("last")
        after, before = args.get("after"), args.get("before")
        rev = bool(args.get("reverse"))
        n = len(items)

        def at(v):
            return items[n - 1 - v] if rev else items[v]

        def ok(x):
            return match is None or match(x)
        lo, hi = 0, n
        if after is not None:
            k = self.decode_cursor(after, keys)
            lo = n - bisect.bisect_left(keys, k) if rev \
                else bisect.bisect_right(keys, k)
        if before is not None:
            k = self.decode_cursor(before, keys)
            hi = n - bisect.bisect_right(keys, k) if rev \
                else bisect.bisect_left(keys, k)
        sel = []
        has_next = has_prev = False
        if first is not None:
            v = lo
            while v < hi and len(sel) <= first:
                if ok(at(v)):
                    sel.append(at(v))
                v += 1
            if len(sel) > first:
                sel.pop()
                has_next = True
            if last is not None and len(sel) > last:
                sel = sel[len(sel) - last:]
                has_prev = True
            elif after is not None:
                has_prev = any(ok(at(v)) for v in range(lo - 1, -1, -1))
        else:
            v = hi - 1
            while v >= lo and len(sel) <= last:
                if ok(at(v)):
                    sel.append(at(v))
                v -= 1
            if len(sel) > last:
                sel.pop()
                has_prev = True
            sel.reverse()
            if before is not None:
                has_next = any(ok(at(v)) for v in range(hi, n))
        # edges (with a cursor per node) are made only when asked for.
        return {"_keyfn": keyfn, "nodes": sel,
                "pageInfo": {"hasNextPage": has_next,
                             "hasPreviousPage": has_prev,
                             "startCursor": self.cursor(keyfn(sel[0]))
                             if sel else None,
                             "endCursor": self.cursor(keyfn(sel[-1]))
                             if sel else None}}

    def r_edges(self, obj, args, ex, f, path):
        keyfn = obj["_keyfn"]
        return [{"cursor": self.cursor(keyfn(x)), "node": x}
                for x in obj["nodes"]]

    def search(self, ex, path, text, fields, free):
        if text is None or not text.strip():
            return None
        s = Search(text, fields, free)
        if s.warnings:
            ex.search.append({"path": path, "query": text,
                              "warnings": s.warnings})
        return None if s.pred is True else s.pred

    # ---- resolvers: query root

    def lookup(self, value, kind, table):
        n = parse_gid(value, kind)
        if n is None:
            if not (isinstance(value, str) and
                    re.match(r"\Agid://shopify/[A-Za-z]+/[1-9][0-9]*\Z",
                             value)):
                raise FieldError("Invalid global id '%s'" % value, {
                    "code": "argumentLiteralsIncompatible",
                    "typeName": "CoercionError"})
            return None
        return table.get(n)

    @resolver("QueryRoot", "shop")
    def r_shop(self, obj, args, ex, f, path):
        return self.shop

    @resolver("QueryRoot", "location")
    def r_location(self, obj, args, ex, f, path):
        if args.get("id") is None:
            return next((l for l in self.locations if l["isActive"]), None)
        return self.lookup(args["id"], "Location", self.loc_by_id)

    @resolver("QueryRoot", "locations")
    def r_locations(self, obj, args, ex, f, path):
        items, keys, keyfn = self.sorted_by("locations", args["sortKey"])
        pred = self.search(ex, path, args.get("query"), {
            "name": text_term(lambda x: [x["name"]]),
            "id": number_term(lambda x: x["_id"]),
            "active": lambda c, v, q: (lambda x: x["isActive"] == (
                v.lower() == "true"))
            if v.lower() in ("true", "false") else "Invalid value %r." % v,
        }, lambda v: lambda x: v.lower() in x["name"].lower())
        inactive = args.get("includeInactive")
        # A fulfilment service's location (a 3PL's, an app's) is a
        # "legacy" location: listed only with includeLegacy
        # (QueryRoot.locations, argument includeLegacy, default false).
        legacy = args.get("includeLegacy")

        def match(x):
            return (inactive or x["isActive"]) and \
                (legacy or not x["isFulfillmentService"]) and \
                (pred is None or pred(x))
        return self.page(args, items, keys, keyfn, match)

    @resolver("QueryRoot", "productVariant")
    def r_product_variant(self, obj, args, ex, f, path):
        return self.lookup(args["id"], "ProductVariant", self.var_by_id)

    @resolver("QueryRoot", "inventoryItem")
    def r_inventory_item(self, obj, args, ex, f, path):
        return self.lookup(args["id"], "InventoryItem", self.items)

    @resolver("QueryRoot", "productVariants")
    def r_product_variants(self, obj, args, ex, f, path):
        if args.get("savedSearchId") is not None:
            raise FieldError("The sandbox does not emulate savedSearchId",
                             {"code": "NOT_EMULATED"})
        items, keys, keyfn = self.sorted_by("variants", args["sortKey"])
        pred = self.search(ex, path, args.get("query"), {
            "sku": text_term(lambda x: [x["sku"]]),
            "barcode": text_term(lambda x: [x["barcode"]]),
            "title": text_term(lambda x: [x["title"]]),
            "product_id": number_term(lambda x: x["product"]["_id"]),
            "id": number_term(lambda x: x["_id"]),
            "product_status": text_term(lambda x: [x["product"]["status"]]),
        }, lambda v: lambda x: v.lower() in (x["sku"] or "").lower() or
            v.lower() in x["displayName"].lower())
        return self.page(args, items, keys, keyfn, pred)

    @resolver("QueryRoot", "productVariantsCount")
    def r_product_variants_count(self, obj, args, ex, f, path):
        # [vcount]: "Limited to a maximum of 10000 by default"; limit is
        # "the upper bound on count value before returning a result", null
        # for none; AT_LEAST: "A limit was imposed and reached".  The
        # query argument has "no supported search fields": not emulated.
        if args.get("query") is not None:
            raise FieldError("The sandbox does not emulate query here",
                             {"code": "NOT_EMULATED"})
        n, limit = len(self.variants), args.get("limit")
        if limit is not None and n > limit:
            return {"count": limit, "precision": "AT_LEAST"}
        return {"count": n, "precision": "EXACT"}

    def visible(self, order):
        return self.read_all_orders or order["createdAt"] >= self.cutoff

    @resolver("QueryRoot", "order")
    def r_order(self, obj, args, ex, f, path):
        o = self.lookup(args["id"], "Order", self.order_by_id)
        return o if o is not None and self.visible(o) else None

    FIN_FILTER = {"authorized", "expired", "paid", "partially_paid",
                  "partially_refunded", "pending", "refunded", "voided"}

    @resolver("QueryRoot", "orders")
    def r_orders(self, obj, args, ex, f, path):
        if args.get("savedSearchId") is not None:
            raise FieldError("The sandbox does not emulate savedSearchId",
                             {"code": "NOT_EMULATED"})
        items, keys, keyfn = self.sorted_by("orders", args["sortKey"])

        def status(c, v, q):
            v = v.lower()
            tests = {"open": lambda x: not x["closed"] and
                     x["cancelledAt"] is None,
                     "closed": lambda x: x["closed"],
                     "cancelled": lambda x: x["cancelledAt"] is not None,
                     "any": lambda x: True}
            return tests.get(v, lambda x: False)

        def fulfillment(c, v, q):
            want = {"shipped": {"FULFILLED"},
                    "partial": {"PARTIALLY_FULFILLED"},
                    "unshipped": {"UNFULFILLED"},
                    "unfulfilled": {"UNFULFILLED", "PARTIALLY_FULFILLED"},
                    "any": None}.get(v.lower(), set())
            if want is None:
                return lambda x: True
            return lambda x: x["displayFulfillmentStatus"] in want

        def financial(c, v, q):
            v = v.lower()
            return lambda x: (x["displayFinancialStatus"] or "").lower() == v
        pred = self.search(ex, path, args.get("query"), {
            "created_at": date_term("createdAt"),
            "updated_at": date_term("updatedAt"),
            "processed_at": date_term("processedAt"),
            "name": lambda c, v, q: (lambda x: compare(
                c, x["_num"], int(v.lstrip("#"))))
            if v.lstrip("#").isdigit() else
            (lambda x: x["name"].lower() == v.lower()),
            "email": text_term(lambda x: [x["email"]]),
            "status": status,
            "financial_status": financial,
            "fulfillment_status": fulfillment,
            "sku": text_term(lambda x: [li["sku"] for li in x["_lines"]]),
            "id": number_term(lambda x: x["_id"]),
            "tag": text_term(lambda x: x["tags"]),
            "tag_not": lambda c, v, q: (lambda x: v.lower() not in [
                t.lower() for t in x["tags"]]),
            "source_identifier": text_term(lambda x: [x["sourceIdentifier"]]),
        }, lambda v: lambda x: v.lower() in x["name"].lower() or
            v.lower() in (x["email"] or "").lower())
        visible = self.visible
        # The search index lags behind (decision 22): with a query, an
        # order created in the last search_lag seconds is not found yet.
        lag = time.monotonic() if (args.get("query") or "").strip() else None

        def match(x):
            return visible(x) and (pred is None or pred(x)) and (
                lag is None or x["_searchable"] <= lag)
        return self.page(args, items, keys, keyfn, match)

    # ---- resolvers: catalog

    @resolver("ProductVariant", "inventoryQuantity")
    def r_inventory_quantity(self, obj, args, ex, f, path):
        return sum(lv["available"]
                   for lv in obj["inventoryItem"]["levels"].values()
                   if lv["_loc"]["isActive"])

    @resolver("InventoryItem", "sku")
    def r_item_sku(self, obj, args, ex, f, path):
        return obj["variant"]["sku"]

    @resolver("InventoryItem", "inventoryLevel")
    def r_inventory_level(self, obj, args, ex, f, path):
        loc = self.lookup(args["locationId"], "Location", self.loc_by_id)
        return obj["levels"].get(loc["_id"]) if loc else None

    @resolver("InventoryItem", "inventoryLevels")
    def r_inventory_levels(self, obj, args, ex, f, path):
        items = [lv for _, lv in sorted(obj["levels"].items())]
        keys = [(lv["_loc"]["_id"], lv["_loc"]["_id"]) for lv in items]
        pred = self.search(ex, path, args.get("query"), {
            "location_id": number_term(lambda x: x["_loc"]["_id"]),
        }, lambda v: lambda x: v.lower() in x["_loc"]["name"].lower())
        return self.page(args, items, keys,
                         lambda lv: (lv["_loc"]["_id"], lv["_loc"]["_id"]),
                         lambda lv: lv["_loc"]["isActive"] and
                         (pred is None or pred(lv)))

    @resolver("InventoryLevel", "location")
    def r_level_location(self, obj, args, ex, f, path):
        return obj["_loc"]

    @resolver("InventoryLevel", "item")
    def r_level_item(self, obj, args, ex, f, path):
        return obj["_item"]

    @resolver("InventoryLevel", "quantities")
    def r_quantities(self, obj, args, ex, f, path):
        bad = [n for n in args["names"] if n not in QUANTITY_NAMES]
        if bad:
            raise FieldError("The quantity name '%s' is not valid. Valid "
                             "names are: %s" % (bad[0],
                                                ", ".join(QUANTITY_NAMES)),
                             {"code": "INVALID_QUANTITY_NAME"})
        return [{"name": n, "quantity": quantity(obj, n),
                 "updatedAt": obj["updatedAt"]} for n in args["names"]]

    # ---- resolvers: orders

    @resolver("Order", "lineItems")
    def r_line_items(self, obj, args, ex, f, path):
        items = obj["_lines"]
        return self.page(args, items, [(x["_id"], x["_id"]) for x in items],
                         lambda x: (x["_id"], x["_id"]), None)

    @resolver("Order", "fulfillments")
    def r_fulfillments(self, obj, args, ex, f, path):
        n = args.get("first")
        return obj["_fulfillments"][:n] if n is not None \
            else obj["_fulfillments"]

    @resolver("Fulfillment", "trackingInfo")
    def r_tracking(self, obj, args, ex, f, path):
        n = args.get("first")
        return obj["_tracking"][:n] if n is not None else obj["_tracking"]

    @resolver("LineItem", "variant")
    def r_line_variant(self, obj, args, ex, f, path):
        return obj["_variant"]

    # ---- resolvers: the mutation

    @resolver("InventoryAdjustmentGroup", "changes")
    def r_changes(self, obj, args, ex, f, path):
        items = args.get("inventoryItemIds")
        locs = args.get("locationIds")
        names = args.get("quantityNames")
        return [c for c in obj["_changes"]
                if (items is None or c["item"]["id"] in items) and
                (locs is None or c["location"]["id"] in locs) and
                (names is None or c["name"] in names)]

    @resolver("Mutation", "inventorySetQuantities")
    def r_set_quantities(self, obj, args, ex, f, path):
        inp = args["input"]
        qs = inp["quantities"]
        if len(qs) > MAX_INPUT_ARRAY:
            raise FieldError("The input array size of %d is greater than the "
                             "maximum allowed of %d." % (len(qs),
                                                         MAX_INPUT_ARRAY),
                             {"code": "MAX_INPUT_SIZE_EXCEEDED"})
        if any("changeFromQuantity" not in q for q in qs):
            raise FieldError("InventoryQuantityInput must include the "
                             "following argument: changeFromQuantity",
                             {"code": "INVALID_FIELD_ARGUMENTS"})
        present, key = ex.directive_arg(f, "idempotent", "key")
        if not present:
            raise FieldError("The @idempotent directive is required for this "
                             "mutation but was not provided.",
                             {"code": "BAD_REQUEST"})
        fingerprint = json.dumps(inp, sort_keys=True)
        rec = self.idempotency.get(key)
        if rec is not None:
            if time.monotonic() < rec["busy_until"]:
                # The first request under this key is still in progress
                # as its client sees it (its answer is late: a slow
                # fault), whatever this one carries [isqe].
                return user_errors(("IDEMPOTENCY_CONCURRENT_REQUEST", None,
                                    "This request is currently in progress, "
                                    "please try again."))
            if rec["fingerprint"] != fingerprint:
                return user_errors(("IDEMPOTENCY_KEY_PARAMETER_MISMATCH", None,
                                    "The same idempotency key cannot be used "
                                    "with different operation parameters."))
            if rec["failed"]:
                return user_errors(("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED",
                                    None, "A previous request with this "
                                    "idempotency key failed. Retry with a new "
                                    "idempotency key."))
            rec["replays"] += 1
            return rec["payload"]
        payload = self.set_quantities(inp, key)
        self.idempotency[key] = {"fingerprint": fingerprint,
                                 "payload": payload, "replays": 0,
                                 "failed": bool(payload["userErrors"]),
                                 "busy_until": time.monotonic() +
                                 self.answer_delay}
        return payload

    def set_quantities(self, inp, key):
        errors = []
        name, reason = inp["name"], inp["reason"]
        ref = inp.get("referenceDocumentUri")
        if name not in ("available", "on_hand"):
            errors.append(("INVALID_NAME", ["input", "name"],
                           "The quantity name must be either 'available' or "
                           "'on_hand'."))
            name = None
        if reason not in REASONS:
            errors.append(("INVALID_REASON", ["input", "reason"],
                           "The specified reason is invalid."))
        if ref is not None and (not URI_RE.match(ref) or (
                ref.startswith("gid://") and not re.match(
                    r"\Agid://[^/\s]+/[^/\s]+/\S+\Z", ref))):
            errors.append(("INVALID_REFERENCE_DOCUMENT",
                           ["input", "referenceDocumentUri"],
                           "The specified reference document is invalid."))
        plan = []
        seen = set()
        for i, q in enumerate(inp["quantities"]):
            f = ["input", "quantities", str(i)]
            item = self.items.get(parse_gid(q["inventoryItemId"],
                                            "InventoryItem"))
            loc = self.loc_by_id.get(parse_gid(q["locationId"], "Location"))
            if item is None:
                errors.append(("INVALID_INVENTORY_ITEM",
                               f + ["inventoryItemId"], "The specified "
                               "inventory item could not be found."))
            if loc is None or not loc["isActive"]:
                errors.append(("INVALID_LOCATION", f + ["locationId"],
                               "The specified location could not be found."))
            if item is None or loc is None or not loc["isActive"]:
                continue
            if (item["_id"], loc["_id"]) in seen:
                errors.append(("NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
                               f + ["inventoryItemId"], "The combination of "
                               "inventoryItemId and locationId must be "
                               "unique."))
                continue
            seen.add((item["_id"], loc["_id"]))
            level = item["levels"].get(loc["_id"])
            if level is None:
                errors.append(("ITEM_NOT_STOCKED_AT_LOCATION",
                               f + ["locationId"], "The specified inventory "
                               "item is not stocked at the location."))
                continue
            if not item["tracked"]:
                errors.append(("NON_MUTABLE_INVENTORY_ITEM",
                               f + ["inventoryItemId"], "The specified "
                               "inventory item is not allowed to be adjusted "
                               "via API."))
                continue
            qty = q["quantity"]
            if qty > QTY_LIMIT:
                errors.append(("INVALID_QUANTITY_TOO_HIGH", f + ["quantity"],
                               "The total quantity can't be higher than "
                               "1,000,000,000."))
                continue
            if qty < -QTY_LIMIT:
                errors.append(("INVALID_QUANTITY_TOO_LOW", f + ["quantity"],
                               "The total quantity can't be lower than "
                               "-1,000,000,000."))
                continue
            if name == "on_hand" and qty < 0:
                errors.append(("INVALID_QUANTITY_NEGATIVE", f + ["quantity"],
                               "The quantity can't be negative."))
                continue
            if name is None:
                continue
            current = quantity(level, name)
            cfq = q["changeFromQuantity"]
            if cfq is not None and cfq != current:
                errors.append(("CHANGE_FROM_QUANTITY_STALE",
                               f + ["changeFromQuantity"],
                               "The changeFromQuantity value does not match "
                               "persisted value."))
                continue
            plan.append((item, loc, level, qty, current))
        if errors and (self.atomic or name is None):
            return user_errors(*errors)
        if not plan:
            return {"inventoryAdjustmentGroup": None, "userErrors": []}
        now = stamp(datetime.now(timezone.utc))
        other = "on_hand" if name == "available" else "available"
        changes = []
        for item, loc, level, qty, current in plan:
            delta = qty - current
            level["available"] += delta
            level["updatedAt"] = now
            for n in (name, other):
                changes.append({"name": n, "delta": delta,
                                "quantityAfterChange": quantity(level, n),
                                "item": item, "location": loc,
                                "ledgerDocumentUri": None})
            sku = item["variant"]["sku"] or "#%d" % item["_id"]
            self.write_counts[sku] = self.write_counts.get(sku, 0) + 1
            self.history.append({"sku": item["variant"]["sku"],
                                 "inventoryItemId": item["id"],
                                 "locationId": loc["id"], "name": name,
                                 "old": current, "new": qty,
                                 "reason": inp["reason"],
                                 "idempotencyKey": key})
        group = {"id": gid("InventoryAdjustmentGroup",
                           7700000000 + self.next_group),
                 "createdAt": now, "reason": inp["reason"],
                 "referenceDocumentUri": ref, "_changes": changes}
        self.next_group += 1
        if errors:
            # Not atomic (--set atomic=0): the valid quantities were set
            # and the group says so, beside the errors of the others.
            return dict(user_errors(*errors), inventoryAdjustmentGroup=group)
        return {"inventoryAdjustmentGroup": group, "userErrors": []}

    # ---- fulfillment orders (decisions 18-20)

    def clock(self):
        """The shop's clock: setting now, running since the last reset."""
        return self.now + timedelta(seconds=time.monotonic() - self.t0)

    def new_id(self, kind):
        self.last_ids[kind] += ID_STEPS[kind]
        return self.last_ids[kind]

    def first_location(self):
        return next((l for l in self.locations if l["isActive"]),
                    self.locations[0] if self.locations else None)

    def ensure_fos(self, order):
        """The order's fulfillment orders; derived, for data that has none,
        from the line items and displayFulfillmentStatus: one at the first
        active location."""
        if order["_fos"] is not None:
            return order["_fos"]
        status = {"FULFILLED": "CLOSED", "PARTIALLY_FULFILLED": "IN_PROGRESS",
                  "IN_PROGRESS": "IN_PROGRESS", "ON_HOLD": "ON_HOLD",
                  "SCHEDULED": "SCHEDULED"}.get(
                      order["displayFulfillmentStatus"], "OPEN")
        if order["cancelledAt"] is not None or all(
                li["unfulfilledQuantity"] == 0 for li in order["_lines"]):
            status = "CLOSED"
        fo = {"_id": DERIVED + order["_id"], "status": status,
              "requestStatus": "UNSUBMITTED", "_loc": self.first_location(),
              "_order": order, "createdAt": order["createdAt"],
              "updatedAt": order["updatedAt"],
              "_lines": [{"_id": DERIVED + li["_id"], "_line": li,
                          "totalQuantity": li["currentQuantity"],
                          "remainingQuantity": li["unfulfilledQuantity"]}
                         for li in order["_lines"]]}
        fo["id"] = gid("FulfillmentOrder", fo["_id"])
        for fol in fo["_lines"]:
            fol["id"] = gid("FulfillmentOrderLineItem", fol["_id"])
        self.fo_by_id[fo["_id"]] = fo
        order["_fos"] = [fo]
        return order["_fos"]

    def find_fo(self, n):
        """The fulfillment order numbered n, of a visible order, or None."""
        fo = self.fo_by_id.get(n)
        if fo is None and n is not None and n > DERIVED:
            order = self.order_by_id.get(n - DERIVED)
            if order is not None and order["_fos"] is None:
                self.ensure_fos(order)
                fo = self.fo_by_id.get(n)
        if fo is None or not self.visible(fo["_order"]):
            return None
        return fo

    def fulfillment_lines(self, ful):
        """A fulfillment's line items; derived, for data that lists none,
        from the line items when it is the order's only SUCCESS one."""
        if ful["_lines"] is None:
            order = ful["_order"]
            ok = [f for f in order["_fulfillments"]
                  if f["status"] == "SUCCESS"]
            ful["_lines"] = [
                {"_id": 2 * DERIVED + li["_id"], "_line": li,
                 "id": gid("FulfillmentLineItem", 2 * DERIVED + li["_id"]),
                 "quantity": li["currentQuantity"] - li["unfulfilledQuantity"]}
                for li in order["_lines"]
                if li["currentQuantity"] > li["unfulfilledQuantity"]
            ] if ok == [ful] else []
        return ful["_lines"]

    @resolver("QueryRoot", "fulfillmentOrder")
    def r_fulfillment_order(self, obj, args, ex, f, path):
        if parse_gid(args["id"], "FulfillmentOrder") is None:
            self.lookup(args["id"], "FulfillmentOrder", {})
            return None
        return self.find_fo(parse_gid(args["id"], "FulfillmentOrder"))

    @resolver("Order", "fulfillmentOrders")
    def r_order_fos(self, obj, args, ex, f, path):
        if args.get("query"):
            raise FieldError("The sandbox does not emulate query on "
                             "fulfillmentOrders", {"code": "NOT_EMULATED"})
        items = sorted(self.ensure_fos(obj), key=lambda x: x["_id"])
        return self.page(args, items, [(x["_id"], x["_id"]) for x in items],
                         lambda x: (x["_id"], x["_id"]), None)

    @resolver("FulfillmentOrder", "lineItems")
    def r_fo_lines(self, obj, args, ex, f, path):
        items = obj["_lines"]
        return self.page(args, items, [(x["_id"], x["_id"]) for x in items],
                         lambda x: (x["_id"], x["_id"]), None)

    @resolver("FulfillmentOrder", "order")
    def r_fo_order(self, obj, args, ex, f, path):
        return obj["_order"]

    @resolver("FulfillmentOrder", "orderId")
    def r_fo_order_id(self, obj, args, ex, f, path):
        return obj["_order"]["id"]

    @resolver("FulfillmentOrder", "orderName")
    def r_fo_order_name(self, obj, args, ex, f, path):
        return obj["_order"]["name"]

    @resolver("FulfillmentOrder", "assignedLocation")
    def r_fo_location(self, obj, args, ex, f, path):
        loc = obj["_loc"]
        return {"name": loc["name"] if loc else "", "location": loc}

    @resolver("FulfillmentOrder", "supportedActions")
    def r_fo_actions(self, obj, args, ex, f, path):
        st = obj["status"]
        move = ["MOVE"] if any(l["isActive"] and l is not obj["_loc"]
                               for l in self.locations) else []
        if st == "OPEN":
            acts = ["CREATE_FULFILLMENT", "REPORT_PROGRESS"] + move + ["HOLD"]
        elif st == "IN_PROGRESS" and all(
                l["remainingQuantity"] == l["totalQuantity"]
                for l in obj["_lines"]):
            acts = ["CREATE_FULFILLMENT", "HOLD", "MARK_AS_OPEN"]
        elif st == "IN_PROGRESS":
            acts = ["CREATE_FULFILLMENT"] + move + ["HOLD"]
        elif st == "ON_HOLD":
            acts = ["RELEASE_HOLD", "HOLD"] + move
        elif st == "SCHEDULED":
            acts = ["MARK_AS_OPEN"]
        else:
            acts = []
        return [{"action": a, "externalUrl": None} for a in acts]

    @resolver("FulfillmentOrderLineItem", "lineItem")
    def r_fol_line(self, obj, args, ex, f, path):
        return obj["_line"]

    @resolver("FulfillmentOrderLineItem", "sku")
    def r_fol_sku(self, obj, args, ex, f, path):
        return obj["_line"]["sku"]

    @resolver("Fulfillment", "fulfillmentLineItems")
    def r_ful_lines(self, obj, args, ex, f, path):
        items = self.fulfillment_lines(obj)
        return self.page(args, items, [(x["_id"], x["_id"]) for x in items],
                         lambda x: (x["_id"], x["_id"]), None)

    @resolver("Fulfillment", "totalQuantity")
    def r_ful_total(self, obj, args, ex, f, path):
        return sum(x["quantity"] for x in self.fulfillment_lines(obj))

    @resolver("Fulfillment", "displayStatus")
    def r_ful_display(self, obj, args, ex, f, path):
        return {"SUCCESS": "FULFILLED", "CANCELLED": "CANCELED",
                "FAILURE": "FAILURE"}.get(obj["status"])

    @resolver("Fulfillment", "location")
    def r_ful_location(self, obj, args, ex, f, path):
        if obj["_loc"] is None:
            lines = {x["_line"]["_id"] for x in self.fulfillment_lines(obj)}
            fos = self.ensure_fos(obj["_order"])
            obj["_loc"] = next((fo["_loc"] for fo in fos for fol in
                                fo["_lines"] if fol["_line"]["_id"] in lines),
                               fos[0]["_loc"] if fos else None)
        return obj["_loc"]

    @resolver("FulfillmentLineItem", "lineItem")
    def r_fli_line(self, obj, args, ex, f, path):
        return obj["_line"]

    def refuse_idempotent(self, ex, f):
        if ex.directive_arg(f, "idempotent", "key")[0]:
            raise FieldError("The @idempotent directive is not supported for "
                             "this mutation.", {"code": "BAD_REQUEST"})

    def touched(self, order, ts):
        order["updatedAt"] = ts
        self.sorted_cache = {k: x for k, x in self.sorted_cache.items()
                             if k[0] != "orders"}

    # ---- fulfillmentCreate (decision 20)

    @resolver("Mutation", "fulfillmentCreate")
    def r_fulfillment_create(self, obj, args, ex, f, path):
        self.refuse_idempotent(ex, f)
        inp = args["fulfillment"]
        groups = inp["lineItemsByFulfillmentOrder"]

        def fail(message, field=("fulfillment",)):
            return {"fulfillment": None,
                    "userErrors": [{"field": list(field),
                                    "message": message}]}
        for i, g in enumerate(groups):
            for j, li in enumerate(g.get("fulfillmentOrderLineItems") or ()):
                if li["quantity"] <= 0:
                    return fail("Quantity must be greater than 0", (
                        "fulfillment", "lineItemsByFulfillmentOrder", str(i),
                        "fulfillmentOrderLineItems", str(j), "quantity"))
        if not groups:
            return fail("Line items by fulfillment order can't be blank", (
                "fulfillment", "lineItemsByFulfillmentOrder"))
        fos = []
        for g in groups:
            n = parse_gid(g["fulfillmentOrderId"], "FulfillmentOrder")
            if n is None:
                raise FieldError("invalid id", {"code": "RESOURCE_NOT_FOUND"})
            fo = self.find_fo(n)
            if fo is None:
                return fail("Fulfillment order does not exist.")
            fos.append(fo)
        orders = sorted({fo["_order"]["_id"] for fo in fos})
        if len(orders) > 1:
            return fail("All fulfillment orders must belong to the same "
                        "order. Multiple orders with ids [%s] were found."
                        % ", ".join(map(str, orders)))
        locs = sorted({fo["_loc"]["_id"] for fo in fos if fo["_loc"]})
        if len(locs) > 1:
            return fail("All fulfillment orders must be assigned to a single "
                        "location. Multiple locations with ids [%s] were "
                        "found." % ", ".join(map(str, locs)))
        for fo in fos:
            if fo["status"] not in ("OPEN", "IN_PROGRESS"):
                return fail("Fulfillment order %d has an unfulfillable "
                            "status= %s." % (fo["_id"], fo["status"].lower()))
        want = {}                   # id(fol) -> [fol, quantity]
        for g, fo in zip(groups, fos):
            asked = g.get("fulfillmentOrderLineItems")
            if not asked:
                for fol in fo["_lines"]:
                    if fol["remainingQuantity"] > 0:
                        want.setdefault(id(fol), [fol, 0])[1] += \
                            fol["remainingQuantity"]
                continue
            by_id = {fol["_id"]: fol for fol in fo["_lines"]}
            for li in asked:
                fol = by_id.get(parse_gid(li["id"],
                                          "FulfillmentOrderLineItem"))
                if fol is None:
                    return fail("Fulfillment order line item does not "
                                "exist.")
                want.setdefault(id(fol), [fol, 0])[1] += li["quantity"]
        if not want or any(q > fol["remainingQuantity"]
                           for fol, q in want.values()):
            return fail("Invalid fulfillment order line item quantity "
                        "requested.")
        order = fos[0]["_order"]
        ti = inp.get("trackingInfo") or {}
        numbers = ti.get("numbers") or ([ti["number"]] if ti.get("number")
                                         else [])
        urls = ti.get("urls") or ([ti["url"]] if ti.get("url") else [])
        tracking = [{"company": ti.get("company"), "number": num,
                     "url": urls[k] if k < len(urls) else None}
                    for k, num in enumerate(numbers)]
        ful = self.add_fulfillment(order, fos[0]["_loc"],
                                   [(fol, q) for fol, q in want.values()],
                                   tracking)
        for fo in fos:
            if any(fol["remainingQuantity"] for fol in fo["_lines"]):
                fo["status"] = "IN_PROGRESS"
            else:
                fo["status"] = "CLOSED"
            fo["updatedAt"] = ful["createdAt"]
        if inp.get("notifyCustomer") and order["email"]:
            self.mail(order["email"], "shipping_confirmation", order["id"])
        self.count("order %d fulfillment" % order["_id"])
        return {"fulfillment": ful, "userErrors": []}

    def add_fulfillment(self, order, loc, parts, tracking):
        """Fulfil (fulfillment order line item, quantity) parts: remaining
        and unfulfilled quantities go down, committed stock leaves the
        location, the order's status follows.  Returns the fulfillment."""
        ts = stamp(self.clock())
        per_line = {}
        for fol, q in parts:
            fol["remainingQuantity"] -= q
            line = fol["_line"]
            line["unfulfilledQuantity"] -= q
            per_line[line["_id"]] = per_line.get(line["_id"], 0) + q
            level = line.get("_claim")  # stock orderCreate committed
            if level is not None and level["_loc"] is loc:
                level["committed"] -= min(q, level["committed"])
                level["updatedAt"] = ts
        lines = {li["_id"]: li for li in order["_lines"]}
        fid = self.new_id("Fulfillment")
        ful = {"_id": fid, "id": gid("Fulfillment", fid),
               "name": "%s-F%d" % (order["name"],
                                   len(order["_fulfillments"]) + 1),
               "status": "SUCCESS", "createdAt": ts, "updatedAt": ts,
               "_tracking": tracking, "_order": order, "_loc": loc,
               "_lines": []}
        for lid in sorted(per_line):
            n = self.new_id("FulfillmentLineItem")
            ful["_lines"].append({"_id": n, "id": gid("FulfillmentLineItem",
                                                      n),
                                  "quantity": per_line[lid],
                                  "_line": lines[lid]})
        order["_fulfillments"].append(ful)
        order["displayFulfillmentStatus"] = "FULFILLED" if all(
            li["unfulfilledQuantity"] == 0 for li in order["_lines"]) \
            else "PARTIALLY_FULFILLED"
        self.touched(order, ts)
        return ful

    # ---- orderCreate (decision 21)

    @resolver("Mutation", "orderCreate")
    def r_order_create(self, obj, args, ex, f, path):
        self.refuse_idempotent(ex, f)
        inp = args["order"]
        opts = args.get("options") or {}
        errors = []

        def err(code, field, message):
            errors.append({"code": code, "field": field, "message": message})
        if inp.get("customerId") is not None and \
                inp.get("customer") is not None:
            err("REDUNDANT_CUSTOMER_FIELDS", ["order"], "Only one of "
                "customerId and customer can be provided.")
            return {"order": None, "userErrors": errors}
        for k in ("customer", "customerId", "companyLocationId", "metafields",
                  "userId"):
            if inp.get(k) is not None:
                raise FieldError("The sandbox does not emulate orderCreate's "
                                 "%s" % k, {"code": "NOT_EMULATED"})
        if inp.get("fulfillmentStatus") not in (None, "FULFILLED"):
            raise FieldError("The sandbox does not emulate fulfillmentStatus "
                             "%s" % inp["fulfillmentStatus"],
                             {"code": "NOT_EMULATED"})
        mono = time.monotonic()
        self.created = [t for t in self.created if mono - t < 60]
        if self.order_create_limit and \
                len(self.created) >= self.order_create_limit:
            return {"order": None, "userErrors": [
                {"code": None, "field": None, "message": TOO_MANY}]}
        cur = inp.get("currency") or self.shop["currencyCode"]
        pcur = inp.get("presentmentCurrency") or cur
        zero = Decimal(0)

        def money(bag, field):
            """A MoneyBagInput as (shop, presentment) Decimals."""
            sm, pm = bag["shopMoney"], bag.get("presentmentMoney")
            shop = to_dec(sm["amount"])
            if shop is None:
                err("INVALID", field + ["shopMoney", "amount"],
                    "Amount can't be blank")
                shop = zero
            if sm["currencyCode"] != cur:
                err("INVALID", field + ["shopMoney", "currencyCode"],
                    "Currency must be %s." % cur)
            pres = shop
            if pm is not None:
                pres = to_dec(pm["amount"])
                if pres is None:
                    err("INVALID", field + ["presentmentMoney", "amount"],
                        "Amount can't be blank")
                    pres = zero
                if pm["currencyCode"] != pcur:
                    err("INVALID", field + ["presentmentMoney",
                                            "currencyCode"],
                        "Currency must be %s." % pcur)
            return shop, pres

        def taxes(items, field, base):
            """Tax lines: (shop, presentment) sums; base is the taxed
            (shop, presentment) amount for lines given only a rate."""
            ts = tp = zero
            for k, t in enumerate(items or ()):
                rate = to_dec(t["rate"])
                if rate is None:
                    err("TAX_LINE_RATE_MISSING", field + [str(k), "rate"],
                        "Tax line rate is missing.")
                    continue
                if t.get("priceSet") is not None:
                    a, b = money(t["priceSet"], field + [str(k), "priceSet"])
                else:
                    a, b = ((base[0] * rate).quantize(CENT, ROUND_HALF_UP),
                            (base[1] * rate).quantize(CENT, ROUND_HALF_UP))
                ts, tp = ts + a, tp + b
            return ts, tp

        lines_in = inp.get("lineItems") or []
        if not lines_in:
            err("INVALID", ["order", "lineItems"],
                "Line items must have at least one line item")
        if inp.get("taxLines") and any(li.get("taxLines")
                                       for li in lines_in):
            err("INVALID", ["order", "taxLines"], "Tax lines can be "
                "specified on the order or the line items but not both.")
        unresolved = False
        plan = []
        sub = [zero, zero]
        taxable = [zero, zero]
        tax = [zero, zero]
        for i, li in enumerate(lines_in):
            fp = ["order", "lineItems", str(i)]
            variant = None
            if li.get("variantId") is not None:
                variant = self.var_by_id.get(parse_gid(li["variantId"],
                                                       "ProductVariant"))
                unresolved = unresolved or variant is None
            elif not (li.get("title") or "").strip():
                unresolved = True
            q = li["quantity"]
            if q < 1:
                err("INVALID", fp + ["quantity"],
                    "Quantity must be greater than 0")
            if li.get("priceSet") is not None:
                price = money(li["priceSet"], fp + ["priceSet"])
                if price[0] < 0 or price[1] < 0:
                    err("INVALID", fp + ["priceSet"],
                        "Price must be greater than or equal to 0")
            else:
                p = Decimal(variant["price"]) if variant else zero
                price = (p, p)
            if li.get("fulfillmentService") not in (None, "manual"):
                err("FULFILLMENT_SERVICE_INVALID", fp + ["fulfillmentService"],
                    "Fulfillment service is invalid.")
            total = (price[0] * q, price[1] * q)
            lt = taxes(li.get("taxLines"), fp + ["taxLines"], total)
            sub = [sub[0] + total[0], sub[1] + total[1]]
            tax = [tax[0] + lt[0], tax[1] + lt[1]]
            if li.get("taxable", True):
                taxable = [taxable[0] + total[0], taxable[1] + total[1]]
            plan.append((li, variant, q))
        if unresolved:
            errors[:0] = [
                {"code": "INVALID", "field": ["order"],
                 "message": "Order Line items is invalid"},
                {"code": "INVALID", "field": ["order", "lineItems"],
                 "message": "Line items Name can't be blank"},
                {"code": "INVALID", "field": ["order", "lineItems"],
                 "message": "Line items Title can't be blank"}]
        ot = taxes(inp.get("taxLines"), ["order", "taxLines"], taxable)
        tax = [tax[0] + ot[0], tax[1] + ot[1]]
        ship = [zero, zero]
        for k, sl in enumerate(inp.get("shippingLines") or ()):
            fp = ["order", "shippingLines", str(k)]
            price = money(sl["priceSet"], fp + ["priceSet"])
            if price[0] < 0 or price[1] < 0:
                err("INVALID", fp + ["priceSet"],
                    "Price must be greater than or equal to 0")
            st = taxes(sl.get("taxLines"), fp + ["taxLines"], price)
            ship = [ship[0] + price[0], ship[1] + price[1]]
            tax = [tax[0] + st[0], tax[1] + st[1]]
        disc = [zero, zero]
        codes = []
        dc = inp.get("discountCode") or {}
        kinds = [k for k in ("itemFixedDiscountCode",
                             "itemPercentageDiscountCode",
                             "freeShippingDiscountCode")
                 if dc.get(k) is not None]
        if len(kinds) > 1:
            err("INVALID", ["order", "discountCode"], "Only one type of "
                "discount can be applied to an order.")
        elif kinds:
            d = dc[kinds[0]]
            fp = ["order", "discountCode", kinds[0]]
            codes = [d["code"]]
            if kinds[0] == "itemFixedDiscountCode":
                a = money(d["amountSet"], fp + ["amountSet"]) \
                    if d.get("amountSet") is not None else (zero, zero)
                if a[0] < 0 or a[1] < 0:
                    err("INVALID", fp + ["amountSet"],
                        "Amount must be greater than or equal to 0")
                disc = [min(a[0], sub[0]), min(a[1], sub[1])]
            elif kinds[0] == "itemPercentageDiscountCode":
                pct = to_dec(d.get("percentage")) or zero
                if not 0 <= pct <= 100:
                    err("INVALID", fp + ["percentage"],
                        "Percentage must be between 0 and 100")
                disc = [(x * pct / 100).quantize(CENT, ROUND_HALF_UP)
                        for x in sub]
            else:
                disc = list(ship)
        txs = []
        for k, t in enumerate(inp.get("transactions") or ()):
            a = money(t["amountSet"], ["order", "transactions", str(k),
                                       "amountSet"])
            txs.append((t["kind"], t["status"], a, t.get("gateway")))
        email = inp.get("email")
        if email is not None and not EMAIL_RE.match(email):
            err("INVALID", ["order", "email"], "Email is invalid")
        tags = []
        for k, t in enumerate(inp.get("tags") or ()):
            t = t.strip()
            if len(t) > 40:
                err("INVALID", ["order", "tags", str(k)], "Title Tag exceeds "
                    "the maximum length of 40 characters")
            if t and t.lower() not in (x.lower() for x in tags):
                tags.append(t)
        now = self.clock()

        def when(k, code):
            """A DateTime input; without an offset it is UTC."""
            try:
                t = datetime.fromisoformat(inp[k].replace("Z", "+00:00"))
            except ValueError:
                err(code, ["order", k], "%s is invalid" % (
                    "Processed at" if k == "processedAt" else "Closed at"))
                return now
            return t if t.tzinfo else t.replace(tzinfo=timezone.utc)
        processed = now
        if inp.get("processedAt") is not None:
            processed = min(when("processedAt", "PROCESSED_AT_INVALID"), now)
        closed_at = None
        if inp.get("closedAt") is not None:
            closed_at = stamp(when("closedAt", "INVALID"))
        ful_in = inp.get("fulfillment")
        fulfil = ful_in is not None or inp.get("fulfillmentStatus") == \
            "FULFILLED"
        ful_loc = None
        if ful_in is not None:
            ful_loc = self.loc_by_id.get(parse_gid(ful_in["locationId"],
                                                   "Location"))
            if ful_loc is None or not ful_loc["isActive"]:
                err("INVALID", ["order", "fulfillment", "locationId"],
                    "Location does not exist")
        if errors:
            return {"order": None, "userErrors": errors}

        variants = [v for _, v, _ in plan if v is not None]
        loc = ful_loc or next(
            (l for l in self.locations if l["isActive"] and all(
                l["_id"] in v["inventoryItem"]["levels"] for v in variants)),
            self.first_location())
        behaviour = opts.get("inventoryBehaviour") or "BYPASS"
        claims = {}                 # item id -> [item, level, quantity, i]
        if behaviour != "BYPASS":
            for i, (li, v, q) in enumerate(plan):
                item = v["inventoryItem"] if v else None
                level = item["levels"].get(loc["_id"]) if item and loc \
                    else None
                if item is None or not item["tracked"] or level is None:
                    continue
                claims.setdefault(item["_id"], [item, level, 0, i])[2] += q
            if behaviour == "DECREMENT_OBEYING_POLICY":
                for item, level, q, i in claims.values():
                    if level["available"] < q:
                        err("INVENTORY_CLAIM_FAILED",
                            ["order", "lineItems", str(i)],
                            "The inventory claim failed during order "
                            "creation.")
                if errors:
                    return {"order": None, "userErrors": errors}

        total = [sub[0] - disc[0] + ship[0], sub[1] - disc[1] + ship[1]]
        if not inp.get("taxesIncluded"):
            total = [total[0] + tax[0], total[1] + tax[1]]
        if inp.get("financialStatus"):
            fin = inp["financialStatus"]
        elif not txs:
            fin = None
        else:
            paid = sum((a[0] for kind, st, a, _ in txs
                        if kind in ("SALE", "CAPTURE") and st == "SUCCESS"),
                       zero)
            if paid > 0 and paid >= total[0]:
                fin = "PAID"
            elif paid > 0:
                fin = "PARTIALLY_PAID"
            elif any(kind == "AUTHORIZATION" and st == "SUCCESS"
                     for kind, st, _, _ in txs):
                fin = "AUTHORIZED"
            else:
                fin = "PENDING"
        ts = stamp(now)
        oid = self.new_id("Order")
        num = max((o["_num"] for o in self.orders), default=1000) + 1
        name = inp.get("name") or "#%d" % num

        def address(a):
            if a is None:
                return None
            return {"firstName": a.get("firstName"),
                    "lastName": a.get("lastName"),
                    "company": a.get("company"),
                    "address1": a.get("address1"),
                    "address2": a.get("address2"), "city": a.get("city"),
                    "provinceCode": a.get("provinceCode"),
                    "zip": a.get("zip"),
                    "countryCodeV2": a.get("countryCode"),
                    "phone": a.get("phone")}
        order = {"_id": oid, "id": gid("Order", oid),
                 "legacyResourceId": str(oid), "name": name,
                 "_num": num, "createdAt": ts, "updatedAt": ts,
                 "processedAt": stamp(processed),
                 "closed": closed_at is not None,
                 "closedAt": closed_at, "cancelledAt": None,
                 "email": email, "phone": inp.get("phone"),
                 "displayFinancialStatus": fin,
                 "displayFulfillmentStatus": "UNFULFILLED",
                 "currencyCode": cur, "presentmentCurrencyCode": pcur,
                 "totalPriceSet": money_bag(total[0], total[1], cur, pcur),
                 "taxesIncluded": bool(inp.get("taxesIncluded")),
                 "tags": sorted(tags), "note": inp.get("note"),
                 "customAttributes": [{"key": a["key"], "value": a["value"]}
                                      for a in inp.get("customAttributes")
                                      or ()],
                 "discountCodes": codes,
                 "sourceName": inp.get("sourceName"),
                 "sourceIdentifier": inp.get("sourceIdentifier"),
                 "test": bool(inp.get("test")),
                 "shippingAddress": address(inp.get("shippingAddress")),
                 "billingAddress": address(inp.get("billingAddress")),
                 "_lines": [], "_fulfillments": [],
                 "_searchable": time.monotonic() + self.search_lag}
        foid = self.new_id("FulfillmentOrder")
        fo = {"_id": foid, "id": gid("FulfillmentOrder", foid),
              "status": "OPEN", "requestStatus": "UNSUBMITTED", "_loc": loc,
              "_order": order, "createdAt": ts, "updatedAt": ts,
              "_lines": []}
        for li, v, q in plan:
            lid = self.new_id("LineItem")
            if v is not None:
                title = v["product"]["title"]
                lname = title if v["title"] == "Default Title" \
                    else v["displayName"]
                sku = li["sku"] if li.get("sku") is not None else v["sku"]
            else:
                title = lname = li["title"]
                sku = li.get("sku")
            line = {"_id": lid, "id": gid("LineItem", lid), "sku": sku,
                    "name": lname, "title": title, "quantity": q,
                    "currentQuantity": q, "unfulfilledQuantity": q,
                    "variantId": v["id"] if v else None, "_variant": v,
                    "_claim": claims[v["inventoryItem"]["_id"]][1]
                    if v and v["inventoryItem"]["_id"] in claims else None}
            order["_lines"].append(line)
            n = self.new_id("FulfillmentOrderLineItem")
            fo["_lines"].append({"_id": n, "id": gid(
                "FulfillmentOrderLineItem", n), "_line": line,
                "totalQuantity": q, "remainingQuantity": q})
        order["_fos"] = [fo]
        self.orders.append(order)
        self.order_by_id[oid] = order
        self.fo_by_id[foid] = fo
        for item, level, q, _ in claims.values():
            old = level["available"]
            level["available"] -= q
            level["committed"] += q
            level["updatedAt"] = ts
            sku = item["variant"]["sku"] or "#%d" % item["_id"]
            self.count(sku)
            self.history.append({"sku": item["variant"]["sku"],
                                 "inventoryItemId": item["id"],
                                 "locationId": level["_loc"]["id"],
                                 "name": "available", "old": old,
                                 "new": level["available"],
                                 "reason": "order " + order["id"],
                                 "idempotencyKey": None})
        if fulfil:
            tracking = []
            if ful_in is not None and ful_in.get("trackingNumber"):
                tracking = [{"company": ful_in.get("trackingCompany"),
                             "number": ful_in["trackingNumber"],
                             "url": None}]
            self.add_fulfillment(order, loc, [(fol, fol["remainingQuantity"])
                                              for fol in fo["_lines"]],
                                 tracking)
            fo["status"] = "CLOSED"
        self.touched(order, ts)
        self.created.append(mono)
        if email and opts.get("sendReceipt"):
            self.mail(email, "order_confirmation", order["id"])
        if email and fulfil and opts.get("sendFulfillmentReceipt"):
            self.mail(email, "shipping_confirmation", order["id"])
        self.count("order created")
        return {"order": order, "userErrors": []}

    # ---- bulk operations (decisions 23-28)

    def bulk_errors(self, text):
        """Parse, validate and run a bulk query now: [(level, line)] in
        processing order (decision 24).  BulkInvalid for a query Shopify
        refuses; FieldError NOT_EMULATED for one the sandbox cannot run."""
        size = len(text.encode("utf-8"))
        if size > BULK_MAX_QUERY:
            raise BulkInvalid(["Query is too large (%d bytes; maximum is %d "
                               "bytes)" % (size, BULK_MAX_QUERY)])
        try:
            toks = tokenize(text)
            if toks[0][0] == "EOF":
                raise BulkInvalid(["Invalid bulk query: syntax error, "
                                   "unexpected end of file"])
            doc = Parser(toks).document()
        except GqlError as e:
            raise BulkInvalid(["Invalid bulk query: " + e.message]) from None
        ops = [d for d in doc if isinstance(d, Op)]
        if any(op.kind != "query" for op in ops):
            raise BulkInvalid(["Invalid operation type. Only `query` "
                               "operations are supported."])
        top = [f.name for op in ops for f in op.selections
               if isinstance(f, Field)]
        if "node" in top or "nodes" in top:
            msgs = ["Bulk queries cannot contain a top level `%s` field."
                    % n for n in ("node", "nodes") if n in top]
            if all(n in ("node", "nodes", "__typename") for n in top):
                msgs.append("Bulk queries must contain at least one "
                            "connection.")
            raise BulkInvalid(msgs)
        errors = Validator(doc).run()
        for e in errors:
            if (e.extensions or {}).get("code") == "NOT_EMULATED":
                raise FieldError(e.message, {"code": "NOT_EMULATED"})
        if errors:
            raise BulkInvalid(["Invalid bulk query: " + e.message
                               for e in errors])
        if len(ops) > 1:
            raise BulkInvalid(["Invalid bulk query: An operation name is "
                               "required"])
        op = ops[0]
        msgs = bulk_rules(op)
        if msgs:
            raise BulkInvalid(msgs)
        # No variables can be given with a bulk query: a default or null.
        coerced = {}
        for vd in op.var_defs:
            if vd.default is not None:
                coerced[vd.name] = Executor(self, op, {}).value_of(
                    vd.default, vd.type)
            elif vd.type[0] == "NN":
                raise BulkInvalid(["Invalid bulk query: Variable $%s of type "
                                   "%s was provided invalid value"
                                   % (vd.name, print_type(vd.type))])
        ex = BulkExecutor(self, op, coerced)
        data = ex.run()
        for e in ex.errors:
            if (e.extensions or {}).get("code") == "NOT_EMULATED":
                raise FieldError(e.message, {"code": "NOT_EMULATED"})
        if ex.errors:
            raise BulkInvalid(["Invalid bulk query: " + e.message
                               for e in ex.errors])
        return bulk_lines(ex, op, data)

    def bulk_create(self, text, lines, group, app):
        """A new bulk operation of lines, its files written now."""
        n = BULK_ID_BASE + BULK_ID_STEP * self.bulk_next
        self.bulk_next += 1
        proc = [jsonl_line(line) for _, line in lines]
        levels = [level for level, _ in lines]
        # Grouped: each parent followed by its children, as processed.
        # Not grouped, Shopify promises only that a child comes after its
        # parent; the sandbox writes each level after the whole level
        # above it, the farthest from grouped (UNCONFIRMED).
        order = list(range(len(proc))) if group else \
            sorted(range(len(proc)), key=lambda i: levels[i])
        fail = None
        if self.bulk_fail_next is not None:
            code, after = self.bulk_fail_next
            self.bulk_fail_next = None
            fail = (code, min(len(proc), len(proc) // 2 if after is None
                              else after))
        name = hmac.new(self.storage_key, b"%d" % n,
                        hashlib.sha256).hexdigest()[:28]
        op = {"_id": n, "id": gid("BulkOperation", n), "_app": app,
              "query": text, "_group": group, "_mono": time.monotonic(),
              "_created": self.clock(), "_start": self.bulk_start,
              "_rate": self.bulk_rate, "_ttl": self.bulk_url_ttl,
              "_proc": proc, "_roots": [i for i, lv in enumerate(levels)
                                        if lv == 0],
              "_fail": fail, "_cancel": None, "_name": name,
              "_pname": name[::-1],
              "_file": b"".join(proc[i] for i in order),
              "_partial": b"".join(proc[i] for i in order
                                   if fail and i < fail[1])}
        self.bulk_ops[n] = op
        self.bulk_files[op["_name"]] = (op, "result")
        self.bulk_files[op["_pname"]] = (op, "partial")
        return op

    def bulk_state(self, op):
        """(status, objects processed, the shop time it ended or None) of
        op now (decision 25)."""
        now = time.monotonic()
        total = len(op["_proc"])
        fail = op["_fail"]

        def at(k):
            return op["_mono"] + op["_start"] + k / op["_rate"]

        def processed(t):
            el = t - op["_mono"] - op["_start"]
            return 0 if el < 0 else min(total if fail is None else fail[1],
                                        int(el * op["_rate"]))
        end = at(total if fail is None else fail[1])
        if op["_cancel"] is not None:
            stop = op["_cancel"] + CANCEL_DELAY
            if now < stop:
                return "CANCELING", processed(now), None
            return "CANCELED", processed(stop), None
        if now - op["_mono"] < op["_start"]:
            return "CREATED", 0, None
        if now < end:
            return "RUNNING", processed(now), None
        ended = op["_created"] + timedelta(seconds=end - op["_mono"])
        if fail is not None:
            return "FAILED", fail[1], ended
        if self.clock().timestamp() > self.bulk_expires(op, ended):
            return "EXPIRED", total, ended
        return "COMPLETED", total, ended

    @staticmethod
    def bulk_expires(op, ended):
        """The Expires of op's signed URLs: captured as completedAt (whole
        seconds) + 604800 [bcap]."""
        return int(ended.timestamp()) + op["_ttl"]

    def bulk_view(self, op, ex, fresh=False):
        """op as a BulkOperation object; fresh: as just created."""
        status, k, ended = ("CREATED", 0, None) if fresh \
            else self.bulk_state(op)
        url = partial = size = None
        if status == "COMPLETED" and op["_proc"]:
            url = self.storage_url(ex.host, op["_name"],
                                   self.bulk_expires(op, ended), op)
            size = str(len(op["_file"]))
        if status == "FAILED" and k and self.clock().timestamp() <= \
                self.bulk_expires(op, ended):
            partial = self.storage_url(ex.host, op["_pname"],
                                       self.bulk_expires(op, ended), op)
        return {"id": op["id"], "status": status, "type": "QUERY",
                "errorCode": op["_fail"][0] if status == "FAILED" else None,
                "createdAt": stamp(op["_created"]),
                "completedAt": stamp(ended) if status in ("COMPLETED",
                                                          "EXPIRED")
                else None,
                "objectCount": str(k),
                "rootObjectCount": str(bisect.bisect_left(op["_roots"], k)),
                "fileSize": size, "url": url, "partialDataUrl": partial,
                "query": op["query"]}

    def storage_signature(self, path, expires):
        return base64.b64encode(hmac.new(
            self.storage_key, ("GET\n\n\n%d\n%s" % (expires, path)).encode(
                "utf-8"), hashlib.sha256).digest()).decode("ascii")

    def storage_url(self, host, name, expires, op):
        """A signed Google Cloud Storage URL [bcap], on the sandbox."""
        path = STORAGE_PREFIX + name
        fname = "bulk-%d%s.jsonl" % (op["_id"], "" if name == op["_name"]
                                     else "-partial")
        return "http://%s%s?%s" % (host, path, urlencode([
            ("GoogleAccessId", STORAGE_ACCESS_ID),
            ("Expires", str(expires)),
            ("Signature", self.storage_signature(path, expires)),
            ("response-content-disposition", "attachment; filename=\"%s\"; "
             "filename*=UTF-8''%s" % (fname, fname)),
            ("response-content-type", "application/jsonl")]))

    def storage(self, req):
        """GET a bulk operation's file by its signed URL (decision 26)."""
        if req.method not in ("GET", "HEAD"):
            return gcs_error(405, "MethodNotAllowed", "The specified method "
                             "is not allowed against this resource.")
        p = dict(req.params())
        expires = p.get("Expires", "")
        if p.get("GoogleAccessId") != STORAGE_ACCESS_ID or \
                not (expires.isascii() and expires.isdigit()) or \
                not hmac.compare_digest(
                    p.get("Signature", "").encode("utf-8"),
                    self.storage_signature(req.path, int(expires)).encode(
                        "ascii")):
            return gcs_error(403, "SignatureDoesNotMatch", "The request "
                             "signature we calculated does not match the "
                             "signature you provided. Check your Google "
                             "secret key and signing method.")
        if self.clock().timestamp() > int(expires):
            return gcs_error(400, "ExpiredToken", "Invalid argument.")
        got = self.bulk_files.get(req.path[len(STORAGE_PREFIX):])
        if got is None or not req.path.startswith(STORAGE_PREFIX):
            return gcs_error(404, "NoSuchKey", "The specified key does not "
                             "exist.")
        op, kind = got
        body = op["_file"] if kind == "result" else op["_partial"]
        headers = [("Accept-Ranges", "bytes")]
        if p.get("response-content-disposition"):
            headers.append(("Content-Disposition",
                            p["response-content-disposition"]))
        ctype = p.get("response-content-type") or "application/octet-stream"
        m = re.match(r"\Abytes=(\d*)-(\d*)\Z",
                     (req.header("Range") or "").strip())
        if m and (m.group(1) or m.group(2)):
            n = len(body)
            if m.group(1):
                lo = int(m.group(1))
                hi = min(n - 1, int(m.group(2))) if m.group(2) else n - 1
            else:
                lo, hi = max(0, n - int(m.group(2))), n - 1
            if lo >= n or hi < lo:
                return gcs_error(416, "InvalidRange", "The requested range "
                                 "cannot be satisfied.",
                                 [("Content-Range", "bytes */%d" % n)])
            headers.append(("Content-Range", "bytes %d-%d/%d" % (lo, hi, n)))
            return Response(206, body[lo:hi + 1], ctype, headers)
        return Response(200, body, ctype, headers)

    def bulk_find(self, value, ex):
        """The app's bulk operation of a gid: None when there is none; a
        field error for another type's gid or none at all [bcap]."""
        m = GID_RE.match(value) if isinstance(value, str) else None
        if m is None:
            raise FieldError("Invalid global id '%s'" % value, {
                "code": "argumentLiteralsIncompatible",
                "typeName": "CoercionError"})
        if m.group(1) != "BulkOperation":
            raise FieldError("Invalid id: %s" % value,
                             {"code": "RESOURCE_NOT_FOUND"})
        op = self.bulk_ops.get(int(m.group(2)))
        return op if op is not None and op["_app"] == ex.app else None

    @resolver("QueryRoot", "bulkOperation")
    def r_bulk_operation(self, obj, args, ex, f, path):
        op = self.bulk_find(args["id"], ex)
        return self.bulk_view(op, ex) if op else None

    @resolver("QueryRoot", "currentBulkOperation")
    def r_current_bulk_operation(self, obj, args, ex, f, path):
        if args.get("type") != "QUERY":
            return None             # no bulk mutations are emulated
        mine = [op for op in self.bulk_ops.values() if op["_app"] == ex.app]
        return self.bulk_view(mine[-1], ex) if mine else None

    @resolver("Mutation", "bulkOperationRunQuery")
    def r_bulk_run_query(self, obj, args, ex, f, path):
        self.refuse_idempotent(ex, f)
        try:
            lines = self.bulk_errors(args["query"])
        except BulkInvalid as e:
            return {"bulkOperation": None, "userErrors": [
                {"code": "INVALID", "field": ["query"], "message": m}
                for m in e.messages]}
        active = [op for op in self.bulk_ops.values() if op["_app"] == ex.app
                  and self.bulk_state(op)[0] in BULK_ACTIVE]
        if len(active) >= self.bulk_concurrency:
            return {"bulkOperation": None, "userErrors": [{
                "code": "OPERATION_IN_PROGRESS", "field": None,
                "message": "A bulk query operation for this app and shop is "
                           "already in progress: %s."
                           % ", ".join(op["id"] for op in active)}]}
        op = self.bulk_create(args["query"], lines, args["groupObjects"],
                              ex.app)
        return {"bulkOperation": self.bulk_view(op, ex, fresh=True),
                "userErrors": []}

    @resolver("Mutation", "bulkOperationCancel")
    def r_bulk_cancel(self, obj, args, ex, f, path):
        self.refuse_idempotent(ex, f)
        op = self.bulk_find(args["id"], ex)
        if op is None:
            return {"bulkOperation": None, "userErrors": [
                {"field": ["id"], "message": "Bulk operation does not exist"}]}
        status = self.bulk_state(op)[0]
        errors = []
        if status in ("CREATED", "RUNNING"):
            op["_cancel"] = time.monotonic()
        elif status != "CANCELING":
            errors.append({"field": None, "message": "A bulk operation "
                           "cannot be canceled when it is %s"
                           % status.lower()})
        return {"bulkOperation": self.bulk_view(op, ex), "userErrors": errors}


Platform.RESOLVERS = {fn.resolves: fn for fn in vars(Platform).values()
                      if hasattr(fn, "resolves")}
Platform.RESOLVERS.update({(t, "edges"): Platform.r_edges for t in SCHEMA
                          if t.endswith("Connection")})


def on_hand(level):
    return level["available"] + sum(level[f] for f in UNAVAILABLE)


def quantity(level, name):
    return on_hand(level) if name == "on_hand" else level[name]


def user_errors(*errors):
    return {"inventoryAdjustmentGroup": None,
            "userErrors": [{"code": c, "field": f, "message": m}
                           for c, f, m in errors]}


# ====================================================================
# generation
# ====================================================================

FAMILIES = (("TS", "T-shirt", True), ("HD", "Hoodie", True),
            ("MUG", "Mok", False), ("CAP", "Pet", False),
            ("BAG", "Tas", False), ("PL", "Polo", True))
COLOURS = (("RED", "rood"), ("BLU", "blauw"), ("BLK", "zwart"),
           ("WHT", "wit"), ("GRN", "groen"))
SIZES = ("S", "M", "L", "XL")
PLACES = ("Magazijn Utrecht", "Winkel Amsterdam", "Magazijn Antwerpen",
          "Winkel Köln", "Magazijn Rotterdam", "Winkel Gent")
FIRST_NAMES = ("jan", "sanne", "pieter", "fleur", "daan", "zoe", "bram",
               "lotte")
CARRIERS = (("PostNL", "3SABCD%09d", "https://jouw.postnl.nl/track-and-trace/"
             "3SABCD%09d-NL-3511AB"),
            ("DHL", "JVGL%010d", "https://www.dhl.com/nl-nl/home/"
             "tracking.html?tracking-id=JVGL%010d"))


def ean13(n12):
    digits = [int(c) for c in n12]
    check = (10 - sum(d * (3 if i % 2 else 1)
                      for i, d in enumerate(digits)) % 10) % 10
    return n12 + str(check)


def generate_data(spec, seed, locations, products, orders, now):
    rng = random.Random(seed)
    n_var = spec.get("variants")
    n_prod = spec.get("products")
    if n_prod is None and n_var is None and not products and \
            spec.get("orders"):
        n_prod = 20
    if "locations" in spec or (not locations and (
            n_prod is not None or n_var is not None)):
        locations = [{"id": gid("Location", 61001 + 7 * i),
                      "name": PLACES[i % len(PLACES)] + (
                          " %d" % (i // len(PLACES) + 1)
                          if i >= len(PLACES) else ""),
                      "isActive": True}
                     for i in range(spec.get("locations", 2))]
        # Orders kept from --data are at locations that are gone now: their
        # fulfillment orders are derived instead (decision 18).
        orders = [{k: v for k, v in o.items() if k != "fulfillmentOrders"}
                  for o in orders]
    if n_prod is not None or n_var is not None:
        products = generate_products(rng, n_prod, n_var, locations)
        # Orders kept from --data cannot link to generated variants.
        orders = [dict(o, lineItems=[{k: v for k, v in li.items()
                                      if k != "variantId"}
                                     for li in o.get("lineItems", [])])
                  for o in orders]
    if spec.get("orders") is not None:
        orders = generate_orders(rng, spec["orders"], products, now)
    return locations, products, orders


def generate_products(rng, n_prod, n_var, locations):
    active = [l["id"] for l in locations if l.get("isActive", True)]
    if n_var is not None and n_prod:
        counts = [n_var // n_prod + (1 if i < n_var % n_prod else 0)
                  for i in range(n_prod)]
    else:
        counts = None
    products = []
    pid, vid, iid, made, i = 80000001, 81000001, 82000001, 0, 0
    while True:
        if counts is not None:
            if i >= len(counts):
                break
            size_count = counts[i]
        elif n_var is not None:
            if made >= n_var:
                break
        elif i >= n_prod:
            break
        fam, fname, apparel = FAMILIES[i % len(FAMILIES)]
        col, cname = COLOURS[(i // len(FAMILIES)) % len(COLOURS)]
        serial = i // (len(FAMILIES) * len(COLOURS))
        base = "%s-%s" % (fam, col) + ("-%d" % (serial + 1) if serial else "")
        if counts is None:
            size_count = len(SIZES) if apparel else 1
            if n_var is not None:
                size_count = min(size_count, n_var - made)
        if size_count <= 0:
            i += 1
            continue
        labels = list(SIZES) + ["XXL", "3XL"] + ["V%d" % k for k in
                                                 range(7, size_count + 1)]
        single = size_count == 1 and counts is None and not apparel
        variants = []
        for k in range(size_count):
            title = "Default Title" if single else labels[k]
            sku = base if single else "%s-%s" % (base, labels[k])
            levels = {}
            for loc in active:
                committed = rng.choice((0, 0, 0, 1, 2))
                levels[loc] = {"available": rng.randint(0, 60),
                               "committed": committed}
            made += 1
            variants.append({
                "id": gid("ProductVariant", vid), "title": title, "sku": sku,
                "barcode": None if made % 7 == 0 else
                ean13("871852%06d" % (made % 1000000)),
                "inventoryItem": {"id": gid("InventoryItem", iid),
                                  "tracked": True, "levels": levels}})
            vid += rng.randint(1, 3)
            iid += rng.randint(1, 3)
        products.append({"id": gid("Product", pid),
                         "title": "%s %s%s" % (fname, cname, " %d" % (
                             serial + 1) if serial else ""),
                         "status": "ARCHIVED" if i % 23 == 22 else "ACTIVE",
                         "variants": variants})
        pid += rng.randint(1, 4)
        i += 1
    return products


def generate_orders(rng, n, products, now):
    sellable = [(p, v) for p in products for v in p["variants"]]
    if not sellable:
        raise SetupError("--generate orders needs products")
    span = 120 * 86400
    t0 = now - timedelta(seconds=span)
    weights = (("FULFILLED", 55), ("UNFULFILLED", 20),
               ("PARTIALLY_FULFILLED", 8), ("ON_HOLD", 4), ("CANCELLED", 8),
               ("IN_PROGRESS", 5))
    population = [s for s, w in weights for _ in range(w)]
    forced = [s for s, _ in weights]
    orders = []
    oid, lid, fid = 6000000001, 7000000001, 8000000001
    for i in range(n):
        created = t0 + timedelta(seconds=int(span * (i + rng.random()) / n))
        kind = forced[i] if i < len(forced) else rng.choice(population)
        updated = min(now, created + timedelta(
            minutes=rng.randint(0, 4320)))
        lines = []
        picks = rng.sample(sellable, min(len(sellable),
                                         rng.choice((1, 1, 2, 3))))
        total = 0
        for p, v in picks:
            q = rng.choice((1, 1, 2, 3))
            if kind == "CANCELLED":
                cur, unf = 0, 0
            elif kind == "FULFILLED":
                cur, unf = q, 0
            elif kind == "PARTIALLY_FULFILLED":
                cur, unf = q, (q if p is not picks[0][0] else 0)
            else:
                cur, unf = q, q
            total += q * 1995
            lines.append({"id": gid("LineItem", lid), "sku": v["sku"],
                          "name": "%s - %s" % (p["title"], v["title"]),
                          "quantity": q, "currentQuantity": cur,
                          "unfulfilledQuantity": unf,
                          "variantId": v["id"]})
            lid += 1
        if kind == "PARTIALLY_FULFILLED" and all(
                li["unfulfilledQuantity"] == 0 for li in lines):
            kind = "FULFILLED"
        fuls = []
        if kind in ("FULFILLED", "PARTIALLY_FULFILLED"):
            company, num, url = CARRIERS[i % len(CARRIERS)]
            fuls.append({"id": gid("Fulfillment", fid), "status": "SUCCESS",
                         "createdAt": stamp(updated),
                         "trackingInfo": [{"company": company,
                                           "number": num % fid,
                                           "url": url % fid}]})
            fid += 1
        cancelled = kind == "CANCELLED"
        fin = "REFUNDED" if cancelled else rng.choice(
            ("PAID", "PAID", "PAID", "PENDING", "AUTHORIZED"))
        name = FIRST_NAMES[i % len(FIRST_NAMES)]
        orders.append({
            "id": gid("Order", oid), "name": "#%d" % (2001 + i),
            "createdAt": stamp(created), "updatedAt": stamp(updated),
            "cancelledAt": stamp(updated) if cancelled else None,
            "closed": cancelled or kind == "FULFILLED",
            "email": "%s%d@example.com" % (name, i),
            "displayFinancialStatus": fin,
            "displayFulfillmentStatus": "UNFULFILLED" if cancelled else kind,
            "currencyCode": "EUR", "totalPrice": "%d.%02d" % divmod(total,
                                                                    100),
            "lineItems": lines, "fulfillments": fuls})
        oid += rng.randint(1, 5)
    return orders
