package io.renqueue.stack.examples;

import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A plain JMS producer outside Liberty: sends one chat task to {@code renqueue.submit} with a
 * reply-to queue and a correlation id, then waits for the finished task.
 *
 * <pre>
 * mvn -q -pl stack exec:java -Dexec.mainClass=io.renqueue.stack.examples.JmsSubmitExample \
 *     -Dexec.args="tcp://127.0.0.1:61616 renqueue renqueue 'Hello over JMS'"
 * </pre>
 */
public final class JmsSubmitExample {

  private JmsSubmitExample() {}

  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : "tcp://127.0.0.1:61616";
    String user = args.length > 1 ? args[1] : "renqueue";
    String password = args.length > 2 ? args[2] : "renqueue";
    String prompt = args.length > 3 ? args[3] : "Hello over JMS";
    String task =
        "{\"model\":\"sim-small\",\"priority\":\"high\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + prompt.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\"}]}";

    try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url, user, password);
        JMSContext jms = factory.createContext()) {
      TemporaryQueue replies = jms.createTemporaryQueue();
      TextMessage request = jms.createTextMessage(task);
      request.setJMSReplyTo(replies);
      request.setJMSCorrelationID("example-" + System.currentTimeMillis());
      jms.createProducer().send(jms.createQueue("renqueue.submit"), request);
      System.out.println(
          "Sent "
              + request.getJMSMessageID()
              + " with correlation id "
              + request.getJMSCorrelationID());

      Message reply = jms.createConsumer(replies).receive(120_000);
      if (reply == null) {
        System.out.println("No reply within 2 minutes");
        System.exit(1);
      }
      System.out.println("Reply correlation id: " + reply.getJMSCorrelationID());
      System.out.println(reply.getBody(String.class));
    }
  }
}
