/**
 * The HTTP server under the admin listener: Netty HTTP/1.1 (HTTPS), basic authentication through
 * the broker's password-file verifier, and routing by path prefix. A feature contributes a {@link
 * dev.mqttls.admin.internal.http.RouteSet} of {@link dev.mqttls.admin.internal.http.HttpRoute}s;
 * its handlers get an {@link dev.mqttls.admin.internal.http.AdminRequest} with the authenticated
 * user.
 */
package dev.mqttls.admin.internal.http;
