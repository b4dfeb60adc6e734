/** What the admin listener's features share: the context they see and the list of features. */
package dev.mqttls.admin.internal;
