/**
 * The broker's dashboard, served by the admin listener under {@code /dashboard}: read-only pages
 * (overview with live charts, clients, one client, handshake failures, certificates, a live topic
 * viewer), their JSON API under {@code /dashboard/api}, and live updates as Server-Sent Events. The
 * pages are static files from {@code dashboard/} on the classpath; the chart library comes from its
 * WebJar. Every value reaches the page as JSON and is inserted as text, never as markup.
 */
package dev.mqttls.admin.internal.dashboard;
